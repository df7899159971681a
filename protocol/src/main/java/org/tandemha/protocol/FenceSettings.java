package org.tandemha.protocol;

import java.time.Duration;
import java.util.Objects;

/**
 * The fencing switches, with HA-Lizard's names and meanings (halizard-behaviour §2.5, §2.6, §6.2).
 *
 * @param enabled              FENCE_ENABLED: off means no fence and no takeover, only "manual intervention needed"
 * @param minHosts             FENCE_MIN_HOSTS: fence only in a pool of at least this many hosts
 * @param quorumRequired       FENCE_QUORUM_REQUIRED: Tandem never fences without quorum; 0 is accepted for
 *                             compatibility, journaled with every fence decision as not honoured
 * @param action               FENCE_ACTION for master-initiated fences: {@code stop} (power off)
 * @param rebootLoneHost       FENCE_REBOOT_LONE_HOST: a master that sees no slave and has no quorum reboots once
 * @param mgtLinkLossTolerance MGT_LINK_LOSS_TOLERANCE: without quorum this long while guests run here, a node
 *                             hard-stops them (isolation self-fence)
 */
public record FenceSettings(boolean enabled, int minHosts, boolean quorumRequired, String action,
                            boolean rebootLoneHost, Duration mgtLinkLossTolerance) implements CborSerializable {
  public static final FenceSettings DEFAULTS = new FenceSettings(true, 2, true, "stop", false, Duration.ofSeconds(5));

  public FenceSettings {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(mgtLinkLossTolerance, "mgtLinkLossTolerance");
    if (minHosts < 1) throw new IllegalArgumentException("FENCE_MIN_HOSTS must be at least 1, got " + minHosts);
    if (!action.equals("stop")) {
      throw new IllegalArgumentException("FENCE_ACTION \"" + action + "\" is not supported: only stop (power off, "
          + "read back off) is a fence Tandem can confirm");
    }
    if (mgtLinkLossTolerance.isNegative() || mgtLinkLossTolerance.isZero()) {
      throw new IllegalArgumentException("MGT_LINK_LOSS_TOLERANCE must be positive, got " + mgtLinkLossTolerance);
    }
  }
}
