import Foundation
import GradGuard
import XCTest

/// Replays the fuzzing corpus (`fuzz/corpus/TARGET/`, seeds plus what libFuzzer found, see
/// fuzz/README.md) through the readers: none may trap, and every error names its source.
final class FuzzCorpusTests: XCTestCase {
    let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz/corpus")

    func testEveryCorpusInputIsReadOrRefusedWithANamedError() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        XCTAssertEqual(Set(folders), Set(FuzzTargets.all.keys), "one corpus folder per target")
        var replayed = 0, refused = 0
        for name in folders {
            let target = try XCTUnwrap(FuzzTargets.all[name])
            let files = try FileManager.default.contentsOfDirectory(atPath: corpus.appendingPathComponent(name).path).sorted()
            XCTAssertFalse(files.isEmpty, "\(name) has no seeds")
            for file in files {
                let data = try Data(contentsOf: corpus.appendingPathComponent(name).appendingPathComponent(file))
                if let message = target(data) {
                    refused += 1
                    XCTAssertTrue(message.hasPrefix(FuzzTargets.source), "\(name)/\(file): the error does not name its source: \(message)")
                }
                replayed += 1
            }
        }
        print("fuzz corpus: \(replayed) inputs replayed, \(refused) refused with a named error")
        XCTAssertGreaterThan(refused, 0, "the corpus holds bad inputs too")
    }
}
