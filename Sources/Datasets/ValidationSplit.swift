/// The validation protocol of `eqspike train --validation N`: the last `N` images of the training
/// file are held out, never trained on, and evaluated after every epoch like the test set, so that
/// settings can be chosen without looking at the test set. The last images (not a random draw) so
/// that the split is the same for every seed and every model, and the training part is the same
/// images in the same order as before, minus its tail.
public struct ValidationSplit: Sendable {
    public let training: LabeledImages
    public let validation: LabeledImages

    public enum SplitError: Error, CustomStringConvertible, Equatable {
        case tooLarge(heldOut: Int, of: Int)
        public var description: String {
            switch self {
            case .tooLarge(let n, let total):
                return "--validation \(n): the training file has \(total) images; hold out fewer, so that some remain to train on"
            }
        }
    }

    /// Holds out the last `heldOut` images (`heldOut` >= 1, fewer than all of them).
    public init(_ images: LabeledImages, heldOut: Int) throws(SplitError) {
        guard heldOut >= 1 && heldOut < images.count else { throw .tooLarge(heldOut: heldOut, of: images.count) }
        let cut = images.count - heldOut
        training = images.prefix(cut)
        validation = images.subset(cut ..< images.count)
    }
}
