/// Something that looks at the settled state once per clock, just before the clock edge
/// (waveform writers, lockstep comparators, text traces). With none attached, the simulator pays
/// one nil check per clock.
public protocol ClockObserver: AnyObject {
    func sample(cycle: Int)
}
