/// The report's explanations of why a figure looks as it does, kept apart from the code that
/// draws it. The measured sentences beside them are computed from the run (ReportHTML); these say
/// what those numbers mean, from the chip's definitions, and were checked against
/// results/784-100-10 (README.md, "Fig. 5c").
enum ReportText {
    /// What the activity account counts, and why the two readouts differ.
    static func activityEnergy(_ a: ActivityEnergyTable) -> String {
        "Each block's SRAM words read and written (spike reads; in deferred mode the shadow's read-modify-write and the commit sweep), "
            + "the adds and multiplies its equations make in every lane every clock, and every register bit clocked once per clock, "
            + "at the design's per-event costs (the experiment section's energy_* keys: Horowitz, ISSCC 2014, 45 nm), over the "
            + "\(a.images) test images of the inference pass. The first-spike readout answers after \(a.deadline) of the \(a.freeClocks) "
            + "free clocks, so it pays for those clocks only; an accuracy quoted with an energy must be the same readout's. "
            + "Registers and the lane arithmetic run every clock whatever the spikes do, so they set a floor that spike sparsity does not lower."
    }

    /// Why the paper's definition gives no STDP shape on this chip.
    static func fig5cPaper(window: Int, tFree: Int, tNudge: Int) -> String {
        let clocks = tFree + tNudge
        return "Why no STDP shape: t_post − mean t_pre over the \(window) clocks before a post spike is positive by construction, so this curve "
            + "cannot change sign at zero. An input is clamped and fires periodically, so in a full window the mean time of its spikes sits about "
            + "\(window / 2) clocks before the post spike whatever the post neuron does; an image lasts T_free + T_nudge = \(clocks) clocks, so a post "
            + "spike before clock \(window) has its window cut at the onset and x ≈ t_post / 2. The x axis therefore says when in the nudge phase the "
            + "post spike falls (x ≈ \(tFree / 2) at the nudge onset, clock \(tFree); x ≈ \(window / 2) for the latest spikes), and the value, the "
            + "W1 change since the nudge began, grows along it: the curve shows the update accumulated over the nudge phase, not spike timing. The paper does not give its phase lengths or input coding; with clamped inputs "
            + "this definition cannot produce the paper's curve centred on zero. The next figure measures the timing the paper's Fig. 5b describes."
    }

    /// Why the update-anchored curves have the shapes they have.
    static let fig5cUpdate =
        "Why: W1[i][h] changes by eta1·F_h when input i spikes, F_h being the hidden neuron's rate derivative. A hidden neuron the nudge speeds up "
        + "has more spikes after the input spike than before (dt > 0) and F > 0; one it slows down, the reverse: under +beta the updates are "
        + "STDP-like (the paper's Fig. 5b). A -beta image slows the neurons a +beta image speeds up, and the random-sign rule negates eta with "
        + "beta so that the update still descends the loss: its updates keep the +beta sign while its neurons' timing is reversed, so its events "
        + "land on the other side of dt = 0 and its curve is the mirror image. Mixed, as this report did before splitting them, the two cancel "
        + "near dt = 0. The paper's positive-sign rule nudges every image by +beta: its curve is the +beta one."
}
