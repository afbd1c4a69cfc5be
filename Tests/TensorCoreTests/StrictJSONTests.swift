import Foundation
import XCTest
@testable import TensorCore

final class StrictJSONTests: XCTestCase {
    func problem(_ text: String) -> String? {
        do { try StrictJSON.validate(Data(text.utf8), source: "f.json"); return nil } catch { return error.description }
    }

    func assertProblem(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let message = problem(text) else { return XCTFail("accepted: \(text)", file: file, line: line) }
        XCTAssertTrue(message.contains(expected), "got: \(message)", file: file, line: line)
        XCTAssertTrue(message.hasPrefix("f.json: line "), "got: \(message)", file: file, line: line)
    }

    func testAcceptsValidDocuments() {
        for text in [#"{}"#, #"{"a": [1, -2.5e-3, 0, true, false, null, "x\n\u00e9"], "b": {"c": []}}"#, "\u{FEFF}{\"a\": 1}", " [ ] "] {
            XCTAssertNil(problem(text), text)
        }
    }

    func testSyntaxErrorsNameLineColumnAndKey() {
        assertProblem("{\"a\": 1,\n \"b\": [1, 2,]}", "line 2, column 13 (b): a comma before ']'")
        assertProblem("{\"a\": 1\n \"b\": 2}", "line 2, column 2: expected ',' or '}' after the value of \"a\"")
        assertProblem("{\"a\": {\"b\": [1, 2}", "(a.b): expected ',' or ']'")
        assertProblem("{\"a\": tru}", "(a): expected true")
        assertProblem("{\"a\": 01}", "a number may not start with 0")
        assertProblem("{\"a\": \"x}", "never closed")
        assertProblem("{\"a\": 1} x", "after the end of the document")
        assertProblem("", "the document is empty")
        assertProblem("{a: 1}", "expected a key in double quotes")
        assertProblem("{\"a\": \"\\q\"}", "unknown escape")
    }

    func testDuplicateKeysAreErrors() {
        assertProblem(#"{"batch_size": 16, "batch_size": -5}"#, #"key "batch_size" appears twice in this object (first at line 1, column 2)"#)
        assertProblem(#"{"m": [{"in": 1, "in": 2}]}"#, "(m[0])")
        XCTAssertNil(problem(#"{"a": {"x": 1}, "b": {"x": 1}}"#), "the same key in two objects is fine")
    }

    func testNaNInfinityAndOverflowNameTheirKey() {
        assertProblem(#"{"lr": NaN}"#, "(lr): NaN is not a JSON number")
        assertProblem(#"{"lr": Infinity}"#, "(lr): Infinity is not a JSON number")
        assertProblem(#"{"lr": -Infinity}"#, "(lr): Infinity is not a JSON number")
        assertProblem(#"{"l2": 1e400}"#, "(l2): 1e400 is beyond the range of a number")
        XCTAssertNil(problem(#"{"l2": 1e-400}"#), "underflow to 0 is a number")
    }

    func testNotUTF8AndDeepNesting() {
        var latin1 = Array(#"{"name": "caf"#.utf8)
        latin1 += [0xE9] + Array(#""}"#.utf8)
        XCTAssertThrowsError(try StrictJSON.validate(Data(latin1), source: "f.json")) {
            XCTAssertEqual("\($0)", "f.json: line 1, column 14 (name): byte 0xE9 is not UTF-8 text (save the file as UTF-8)".replacingOccurrences(of: " (name)", with: ""))
        }
        assertProblem(String(repeating: "[", count: 200) + String(repeating: "]", count: 200), "nested deeper than 64 levels")
    }
}
