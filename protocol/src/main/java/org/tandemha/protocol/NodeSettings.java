package org.tandemha.protocol;

import java.time.Duration;
import java.util.Objects;

/**
 * What one node needs to know about itself.
 *
 * @param self          this node's pool host
 * @param poll          how often the node reads the pool (HA-Lizard's MONITOR_DELAY, 15 s there)
 * @param fenceTimeout  a fence that has not confirmed within this is a failed fence
 * @param promoteWait   how long to wait for this host's xapi to come back as master after the transition
 * @param eventWait     one XAPI event.from wait; a change ends it at once
 * @param witnesses     witness nodes configured for this pool (each one vote, counted in the total)
 * @param fencing       FENCE_ENABLED, FENCE_MIN_HOSTS, FENCE_QUORUM_REQUIRED, FENCE_ACTION, FENCE_REBOOT_LONE_HOST,
 *                      MGT_LINK_LOSS_TOLERANCE
 * @param restartConcurrency VM starts of one priority class in parallel at most
 */
public record NodeSettings(HostId self, HaSettings ha, Duration poll, Duration fenceTimeout, Duration promoteWait,
                           Duration eventWait, int witnesses, FenceSettings fencing, int restartConcurrency)
    implements CborSerializable {
  public static final int DEFAULT_RESTART_CONCURRENCY = 4;

  public NodeSettings(HostId self, HaSettings ha, Duration poll, Duration fenceTimeout, Duration promoteWait,
                      Duration eventWait, int witnesses) {
    this(self, ha, poll, fenceTimeout, promoteWait, eventWait, witnesses, FenceSettings.DEFAULTS,
        DEFAULT_RESTART_CONCURRENCY);
  }

  public NodeSettings {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(ha, "ha");
    Objects.requireNonNull(fencing, "fencing");
    if (restartConcurrency < 1) throw new IllegalArgumentException("restart concurrency must be at least 1");
    if (witnesses < 0) throw new IllegalArgumentException("witnesses must not be negative");
    for (Duration d : new Duration[] {poll, fenceTimeout, promoteWait, eventWait}) {
      if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException("durations must be positive");
    }
  }
}
