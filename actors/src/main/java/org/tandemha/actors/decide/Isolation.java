package org.tandemha.actors.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A node that has been without quorum for MGT_LINK_LOSS_TOLERANCE while VMs run on its host hard-stops them and
 * demotes its storage (issue #4 item 11, halizard-behaviour §2.1) — judged from quorum, not from the management
 * PIF's carrier, so an upstream switch failure counts too (closes §10.1.3). This hard stop is software: the peer
 * never relies on it — it needs a power fence, this host's watchdog deadline (WatchdogFeed), or an operator.
 */
public final class Isolation {
  private Isolation() {}

  /** MGT_LINK_LOSS_TOLERANCE when unset. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(5);

  public enum Action { NOTHING, WAIT, HARD_STOP }

  /**
   * @param quorate        this node's current quorum verdict
   * @param lastQuorate    the last instant this node held quorum (empty = never since start: counts from now)
   * @param tolerance      MGT_LINK_LOSS_TOLERANCE
   * @param vmsRunningHere this host really runs guest domains (read locally, not via XAPI)
   * @param holdsStorage   this host is DRBD Primary / iSCSI target / floating-IP owner
   * @param peerMayBeQuorate the votes this node does not hold could make a majority elsewhere (a witness
   *                       majority, or the other half of an exact tie when IP heuristics may break it): only
   *                       then can another side take over, and only then must this one step down
   */
  public record Evidence(boolean quorate, Optional<Instant> lastQuorate, Instant now, Duration tolerance,
                         boolean vmsRunningHere, boolean holdsStorage, boolean peerMayBeQuorate) {
    /** Another side may always be quorate: the conservative reading. */
    public Evidence(boolean quorate, Optional<Instant> lastQuorate, Instant now, Duration tolerance,
                    boolean vmsRunningHere, boolean holdsStorage) {
      this(quorate, lastQuorate, now, tolerance, vmsRunningHere, holdsStorage, true);
    }

    public Evidence {
      Objects.requireNonNull(now, "now");
      Objects.requireNonNull(tolerance, "tolerance");
      if (tolerance.isNegative()) throw new IllegalArgumentException("MGT_LINK_LOSS_TOLERANCE must not be negative");
    }
  }

  /**
   * @param stopVms       hard-stop every guest on this host now
   * @param demoteStorage step down as DRBD Primary / iSCSI target / floating-IP owner now
   * @param hardStopAt    when the hard stop is (or was) due; empty while quorate
   */
  public record Decision(Action action, boolean stopVms, boolean demoteStorage, Optional<Instant> hardStopAt,
                         String reason) {}

  public static Decision assess(Evidence e) {
    if (e.quorate()) return new Decision(Action.NOTHING, false, false, Optional.empty(), "quorate");
    if (!e.peerMayBeQuorate()) {
      // An exact tie without heuristics, say: no side can be quorate, so no side takes over; stopping the guests
      // here would turn a peer's failure into an outage of this host too.
      return new Decision(Action.NOTHING, false, false, Optional.empty(),
          "no quorum, but no other side can be quorate either: nobody takes over, guests keep running");
    }
    Instant since = e.lastQuorate().orElse(e.now());
    Instant due = since.plus(e.tolerance());
    if (e.now().isBefore(due)) {
      return new Decision(Action.WAIT, false, false, Optional.of(due),
          "no quorum since " + since + ": hard stop due at " + due + " unless quorum returns");
    }
    if (!e.vmsRunningHere() && !e.holdsStorage()) {
      return new Decision(Action.NOTHING, false, false, Optional.of(due),
          "no quorum since " + since + ", but no VM runs here and no storage role is held");
    }
    return new Decision(Action.HARD_STOP, e.vmsRunningHere(), e.holdsStorage(), Optional.of(due),
        "no quorum for MGT_LINK_LOSS_TOLERANCE=" + e.tolerance().toSeconds() + "s (since " + since + "): "
            + (e.vmsRunningHere() ? "hard-stop every VM here" : "")
            + (e.vmsRunningHere() && e.holdsStorage() ? " and " : "")
            + (e.holdsStorage() ? "demote storage" : "")
            + " before the peer may take over");
  }
}
