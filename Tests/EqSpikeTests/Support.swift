import Foundation
import Datasets
@testable import EqSpike

/// Paths of the repository, wherever the tests run from.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static func path(_ relative: String) -> String { root + "/" + relative }
    static let design100 = path("hw-configs/eqspike-784-100-10.net")
    static let subset = path("Tests/Data/mnist-subset")

    static func subsetData() throws -> (train: LabeledImages, test: LabeledImages) {
        try MNIST.load(directory: subset)
    }

    static func temporaryDirectory(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "eqspike-tests-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: dir)
        return dir
    }
}
