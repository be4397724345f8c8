import Foundation
import Datasets

/// Test-set evaluation with frozen weights, split across several chips (one per job) that hold the
/// same memories. Images are independent, so this scales with cores; results are merged in image
/// order, so they do not depend on the number of jobs.
public enum Evaluator {
    /// `chip` and `jobs - 1` more chips that hold its memories (`replicas`), for evaluation only:
    /// evaluating clocks `chip` itself.
    public static func clones(of chip: Chip, jobs: Int) throws -> [Chip] {
        [chip] + (try replicas(of: chip, jobs: jobs - 1))
    }

    /// `jobs` copies of `chip` (built from its circuit, holding its memories), `chip` not among
    /// them: evaluating on these copies never clocks `chip`, so nothing training reads next
    /// (LFSRs, counters, anything checkpointed) depends on evaluation, `jobs` or the test set.
    public static func replicas(of chip: Chip, jobs: Int) throws -> [Chip] {
        try (0..<max(jobs, 0)).map { _ in try chip.replica() }
    }

    /// Copies the memories of `source` into `chips` (after a training epoch).
    public static func sync(_ chips: [Chip], from source: Chip) throws {
        let state = source.persistentState()
        for c in chips where c !== source { try c.restore(state) }
    }

    /// Presents `count` images (inference only) using every chip in parallel. Job j presents the
    /// j-th contiguous share of the images on its own chip (a fixed split, so results never depend
    /// on thread timing). `jobTimes`, if given, receives each job's thread CPU time and images.
    /// With `stopOnInterrupt`, Ctrl-C stops every job within about a second and `interrupted` is
    /// true (the tally is then incomplete).
    public static func evaluate(chips: [Chip], images: LabeledImages, count: Int? = nil,
                                progress: Progress? = nil, jobTimes: JobTimes? = nil,
                                stopOnInterrupt: Bool = false) -> (tally: EpochTally, results: [ImageResult], interrupted: Bool) {
        let n = min(count ?? images.count, images.count)
        let classes = chips[0].outputs
        let deadline = chips[0].settings.firstSpikeDeadline
        let box = ResultBox(n)
        let jobs = max(1, min(chips.count, n))
        let done = ManagedCounter()
        let shared = UncheckedSendable((chips, images, progress))
        jobTimes?.reset(jobs: jobs)
        let before = chips.prefix(jobs).map(\.activity)
        Evaluator.runJobs(jobs) { j in
            let (chips, images, progress) = shared.value
            let chip = chips[j]
            let lo = n * j / jobs, hi = n * (j + 1) / jobs
            let cpu0 = JobTimes.threadCPUTime()
            for i in lo..<hi {
                if stopOnInterrupt && Interrupt.requested { break }
                let r = images.withImage(i) { chip.present(pixels: $0, label: Int(images.labels[i]), train: false, stopOnInterrupt: stopOnInterrupt) }
                box.set(i, r)
                // Progress is drawn by job 0 only; the shared counter is touched once per image.
                if let p = progress {
                    let d = done.increment()
                    if j == 0 { p.update(done: d, fields: []) }
                }
            }
            jobTimes?.record(job: j, images: hi - lo, cpuSeconds: JobTimes.threadCPUTime() - cpu0)
        }
        var tally = EpochTally(classes: classes, firstSpikeDeadline: deadline)
        let results = box.results
        // An image never presented keeps label -1; one cut short is marked interrupted.
        if stopOnInterrupt && results.contains(where: { $0.label < 0 || $0.interrupted }) { return (tally, results, true) }
        for r in results { tally.add(r) }
        // Counters summed before any energy is computed: the same figure for any number of jobs.
        tally.activity = zip(chips, before).reduce(chips[0].noActivity) { $0.plus($1.0.activity.minus($1.1)) }
        progress?.update(done: n, fields: [("acc", String(format: "%.2f%%", 100 * tally.accuracy))])
        return (tally, results, false)
    }
}

extension Evaluator {
    /// Runs `body(0)` on the calling thread and `body(1)` ... `body(jobs - 1)` on threads of their
    /// own, and returns when all have finished: one thread per job whatever the dispatch pool
    /// decides, so the jobs always run side by side (how fast then depends on free cores only).
    static func runJobs(_ jobs: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard jobs > 1 else { body(0); return }
        let finished = DispatchSemaphore(value: 0)
        for j in 1..<jobs {
            let t = Thread {
                body(j)
                finished.signal()
            }
            t.start()
        }
        body(0)
        for _ in 1..<jobs { finished.wait() }
    }
}

/// Per-job thread CPU time and image count of an `Evaluator.evaluate` (each job writes its own
/// slot, one cache line apart).
public final class JobTimes: @unchecked Sendable {
    private static let stride = 8          // 8 x 8 bytes: one cache line per job
    private var slots: UnsafeMutablePointer<Double>
    private var capacity = 0
    public private(set) var jobs = 0

    public init() {
        slots = .allocate(capacity: JobTimes.stride)
        slots.initialize(repeating: 0, count: JobTimes.stride)
        capacity = 1
    }

    deinit { slots.deallocate() }

    func reset(jobs n: Int) {
        if n > capacity {
            slots.deallocate()
            slots = .allocate(capacity: n * JobTimes.stride)
            capacity = n
        }
        slots.initialize(repeating: 0, count: n * JobTimes.stride)
        jobs = n
    }

    func record(job j: Int, images: Int, cpuSeconds: Double) {
        slots[j * JobTimes.stride] = cpuSeconds
        slots[j * JobTimes.stride + 1] = Double(images)
    }

    /// Thread CPU seconds of job j.
    public func cpuSeconds(_ j: Int) -> Double { slots[j * JobTimes.stride] }
    /// Images presented by job j.
    public func images(_ j: Int) -> Int { Int(slots[j * JobTimes.stride + 1]) }

    /// CPU time of the calling thread, seconds.
    public static func threadCPUTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// Results written by several threads, each to its own indices.
/// Raw storage rather than an Array property: concurrent writes to distinct elements of a class's
/// Array property would trip Swift's exclusivity checks.
final class ResultBox: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<ImageResult>
    private let count: Int
    init(_ n: Int) {
        count = n
        storage = .allocate(capacity: max(n, 1))
        storage.initialize(repeating: ImageResult(label: -1), count: n)
    }
    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }
    func set(_ i: Int, _ r: ImageResult) { storage[i] = r }
    var results: [ImageResult] { Array(UnsafeBufferPointer(start: storage, count: count)) }
}

/// A shared job counter (package-wide: the sweep hands out points with it too).
package final class ManagedCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    package init() {}
    package func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}

/// For handing non-Sendable, thread-confined objects to the jobs' threads: each job only
/// touches its own chip. Package-wide: the report's recorders and the sweep's points hand
/// objects to job threads the same way.
package struct UncheckedSendable<T>: @unchecked Sendable {
    package let value: T
    package init(_ v: T) { value = v }
}
