package org.tandemha.actors.decide;

/**
 * Does this node feed its self-fence watchdog this second (issue #7 item 6)? The peer that sees this host go
 * silent takes its work over once the watchdog's timeout (plus a margin) has passed since their last contact
 * (PeerGone), so this host must be reset by then whenever that peer may be acting: that is, whenever this node
 * has lost quorum while another side could hold it. The watchdog is armed (opened) only once this node has held
 * quorum — a node started alone never reboots on its own — and a JVM that stalls stops feeding it by itself.
 */
public final class WatchdogFeed {
  private WatchdogFeed() {}

  public enum Action {
    /** Not armed yet and no quorum: leave the device closed. */
    WAIT,
    /** Arm it now, or keep it fed. */
    FEED,
    /** Stop feeding: the device resets this host within its timeout unless quorum returns first. */
    STARVE
  }

  /**
   * @param armed            the device is already open
   * @param quorate          this node's standing quorum verdict (a tie broken by heuristics counts as quorate)
   * @param peerMayBeQuorate the votes this node does not hold could make a majority elsewhere
   */
  public record Evidence(boolean armed, boolean quorate, boolean peerMayBeQuorate) {}

  public record Decision(Action action, String reason) {}

  public static Decision judge(Evidence e) {
    if (e.quorate()) {
      return new Decision(Action.FEED, e.armed() ? "quorate" : "quorate: arming the watchdog");
    }
    if (!e.armed()) {
      return new Decision(Action.WAIT, "not armed until this node has held quorum: a node started alone never "
          + "resets its host");
    }
    if (!e.peerMayBeQuorate()) {
      return new Decision(Action.FEED, "no quorum, but no other side can be quorate either: nobody takes over");
    }
    return new Decision(Action.STARVE, "no quorum while another side may hold it: the peer may take this host's "
        + "work after the watchdog's timeout, so the watchdog resets this host first");
  }
}
