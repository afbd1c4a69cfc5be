@preconcurrency import Glibc  // `stdout` is a C global; it is only touched here, before anything runs

/// Makes standard output line-buffered even when it is a pipe, so a log file or `tee` shows
/// each progress line as it is printed rather than in 4 KB blocks.
func lineBufferStandardOutput() {
    setvbuf(stdout, nil, _IOLBF, 0)
}
