#!/bin/bash
# Regenerates Sources/TensorBoard/Generated/event.pb.swift from Protos/tensorboard/event.proto.
# Needs protoc (apt-get install protobuf-compiler) and protoc-gen-swift of the swift-protobuf
# version Package.swift names (swift build -c release --product protoc-gen-swift in a checkout
# of it); pass that plugin's path as $1. The output is committed: building GradGuard never
# runs protoc.
set -euo pipefail
plugin=${1:?usage: scripts/generate-protos.sh PATH/TO/protoc-gen-swift}
cd "$(dirname "$0")/.."
mkdir -p Sources/TensorBoard/Generated
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public \
  --proto_path=Protos/tensorboard --swift_out=Sources/TensorBoard/Generated event.proto
echo "wrote Sources/TensorBoard/Generated/event.pb.swift"
