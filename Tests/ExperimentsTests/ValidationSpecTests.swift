import Foundation
import Datasets
import Training
import XCTest
@testable import Experiments

final class ValidationSpecTests: XCTestCase {
    let model = #""model": [{"type": "mlp", "sizes": [64, 16, 10]}]"#

    func parse(_ rest: String, data: String = #"{"kind": "digits"}"#) throws -> Experiment {
        try Experiment.parse(Data("{\"data\": \(data), \(model)\(rest.isEmpty ? "" : ", " + rest)}".utf8), file: "e.json")
    }

    func assertError(_ rest: String, data: String = #"{"kind": "digits"}"#, _ expected: String, line: UInt = #line) {
        XCTAssertThrowsError(try parse(rest, data: data), line: line) { error in
            XCTAssertTrue("\(error)".contains(expected), "got: \(error)", line: line)
        }
    }

    func testNoKeysNoValidation() throws {
        let e = try parse("")
        XCTAssertNil(e.validation)
        let s = try ExperimentSetup<Float>(e)
        XCTAssertNil(s.data.validation)
        XCTAssertEqual((s.data.train as? InMemoryDataset<Float>)?.count, 1438, "the split is the one files without validation always had")
    }

    func testPatienceAloneHoldsOutATenth() throws {
        let e = try parse(#""patience": 4, "min_delta": 0.01"#)
        XCTAssertEqual(e.validation, ValidationPlan(every: 1, patience: 4, minDelta: 0.01))
        XCTAssertEqual(e.data.validationFraction, 0.1)
        let s = try ExperimentSetup<Float>(e)
        XCTAssertEqual(s.data.validation?.count, 144)
        XCTAssertEqual((s.data.train as? InMemoryDataset<Float>)?.count, 1438 - 144)
        XCTAssertEqual(s.data.test?.count, 359, "the test set is the same with or without validation")
        XCTAssertEqual(s.validation?.plan.patience, 4)
    }

    func testFractionAloneValidatesEveryEpochWithoutStopping() throws {
        let e = try parse(#""validate_every": 2"#, data: #"{"kind": "digits", "validation_fraction": 0.25}"#)
        XCTAssertEqual(e.validation, ValidationPlan(every: 2))
        XCTAssertEqual(try parse("", data: #"{"kind": "digits", "validation_fraction": 0.25}"#).validation, ValidationPlan())
        XCTAssertNil(try parse("", data: #"{"kind": "digits", "validation_fraction": 0}"#).validation)
    }

    func testStandardisationIsFittedOnTheTrainingPartOnly() throws {
        let s = try ExperimentSetup<Float>(try parse(#""patience": 2"#, data: #"{"kind": "digits", "standardize": true}"#))
        let train = try XCTUnwrap(s.data.train as? Datasets.InMemoryDataset<Float>)
        let mean = train.inputs.scalars.reduce(0, +) / Float(train.inputs.count)
        XCTAssertEqual(mean, 0, accuracy: 1e-4)
        let validation = try XCTUnwrap(s.data.validation)
        XCTAssertNotEqual(validation.inputs.scalars.reduce(0, +) / Float(validation.inputs.count), 0)
    }

    func testErrorsNameTheKey() {
        assertError(#""min_delta": 0.1"#, "min_delta: only early stopping uses it: give patience too")
        assertError(#""patience": 0"#, "patience: expected a positive integer, got 0")
        assertError(#""patience": 2.5"#, "patience: expected an integer, got 2.5")
        assertError(#""validate_every": 2"#, data: #"{"kind": "digits", "validation_fraction": 0}"#,
                    "validate_every: needs a validation set, but data.validation_fraction is 0")
        assertError("", data: #"{"kind": "digits", "validation_fraction": 1.5}"#, "expected a fraction in [0, 0.95], got 1.5")
        assertError("", data: #"{"kind": "random_regression", "validation_fraction": 0.1}"#, "nothing to hold out")
    }

    func testATinyTrainingSetCannotGiveAValidationSet() throws {
        let e = try parse(#""patience": 1"#, data: #"{"kind": "spirals", "classes": 2, "samples": 4, "validation_fraction": 0.05}"#)
        XCTAssertThrowsError(try ExperimentSetup<Float>(e)) { error in
            XCTAssertTrue("\(error)".contains("data.validation_fraction: 0.05 of 3 training samples leaves 0 for validation"), "got: \(error)")
        }
    }
}
