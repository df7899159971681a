package org.tandemha.actors.decide;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The storage role's next step (issue #8 item 1), iSCSI-HA's promote/demote sequences (halizard-behaviour §8.3,
 * §8.4) as a reconcile: compare the role this host should have with what DRBD, the target and the floating IP show,
 * and name the one idempotent step to do now. Promote: every resource Primary → target up → IP added; demote the
 * reverse. Under the one rule: a resource is promoted only when its peer is confirmed gone (fenced), confirmed
 * secondary (its node says it demoted, or DRBD connected shows it Secondary), never while any peer reads Primary,
 * never during an unresolved split brain; the IP is added only on a full primary and only if nobody else answers it.
 */
public final class StorageReconcile {
  private StorageReconcile() {}

  public enum Role { PRIMARY, SECONDARY }

  /** Manual mode (iSCSI-HA's {@code manual} marker): hold the current role, or be primary / secondary. */
  public enum Manual { HOLD, PRIMARY, SECONDARY }

  /** What this node knows of the peer host beyond DRBD. */
  public enum Peer {
    /** A fence confirmed it off (or an operator declared it dead): it holds nothing. */
    GONE,
    /** Its node is reachable and says its storage role is secondary (nothing Primary, no target, no IP). */
    DEMOTED,
    /** Its node is reachable and has not demoted. */
    NOT_DEMOTED,
    /** Unreachable and not confirmed gone. */
    UNKNOWN
  }

  /**
   * One DRBD resource as observed.
   *
   * @param peerConnected every peer connection is Connected
   * @param peerSecondary connected, and every peer reads Secondary
   * @param peerPrimary   some peer reads Primary (connected or as last known)
   */
  public record Resource(String name, boolean primary, boolean peerConnected, boolean peerSecondary,
                         boolean peerPrimary) {}

  /**
   * @param poolMaster       this host is the XAPI pool master (storage follows it)
   * @param manual           manual mode, if enabled
   * @param splitBrain       a split brain is recorded and not resolved
   * @param ipAnswersElsewhere the floating IP answers a probe while it is not local here
   */
  public record Evidence(boolean poolMaster, Optional<Manual> manual, Peer peer, List<Resource> resources,
                         boolean targetRunning, boolean targetPresent, boolean ipLocal, boolean ipAnswersElsewhere,
                         boolean splitBrain) {
    public Evidence {
      Objects.requireNonNull(manual, "manual");
      Objects.requireNonNull(peer, "peer");
      resources = List.copyOf(resources);
    }

    /** The target is present exactly when it runs. */
    public Evidence(boolean poolMaster, Optional<Manual> manual, Peer peer, List<Resource> resources,
                    boolean targetRunning, boolean ipLocal, boolean ipAnswersElsewhere, boolean splitBrain) {
      this(poolMaster, manual, peer, resources, targetRunning, targetRunning, ipLocal, ipAnswersElsewhere, splitBrain);
    }
  }

  public enum Action { NOTHING, PROMOTE, START_TARGET, ADD_IP, REMOVE_IP, STOP_TARGET, DEMOTE, BLOCKED }

  /**
   * @param resource the resource PROMOTE/DEMOTE acts on
   * @param desired  the role this host should have; empty when manual mode holds whatever it has
   */
  public record Step(Action action, Optional<String> resource, Optional<Role> desired, String reason) {}

  public static Optional<Role> desired(Evidence e) {
    if (e.manual().isPresent()) {
      return switch (e.manual().get()) {
        case HOLD -> Optional.empty();
        case PRIMARY -> Optional.of(Role.PRIMARY);
        case SECONDARY -> Optional.of(Role.SECONDARY);
      };
    }
    return Optional.of(e.poolMaster() ? Role.PRIMARY : Role.SECONDARY);
  }

  public static Step next(Evidence e) {
    Optional<Role> want = desired(e);
    if (want.isEmpty()) return new Step(Action.NOTHING, Optional.empty(), want, "manual mode: roles held as they are");
    String why = e.manual().isPresent() ? "manual mode: " + want.get().name().toLowerCase() : e.poolMaster()
        ? "this host is the pool master" : "this host is a pool slave";
    return want.get() == Role.PRIMARY ? promote(e, why) : demote(e, why);
  }

  private static Step promote(Evidence e, String why) {
    Optional<Role> want = Optional.of(Role.PRIMARY);
    for (Resource r : e.resources()) {
      if (r.primary()) continue;
      if (e.splitBrain()) {
        return blocked(want, "split brain recorded: no automatic promotion until an operator resolves it "
            + "(tandem storage split-brain resolve --survivor HOST)");
      }
      if (r.peerPrimary()) return blocked(want, r.name() + ": the peer reads Primary: never promoted beside it");
      // DRBD showing the peer connected and Secondary confirms it, unless its node says it still holds something.
      boolean confirmed = e.peer() == Peer.GONE || e.peer() == Peer.DEMOTED
          || e.peer() != Peer.NOT_DEMOTED && r.peerConnected() && r.peerSecondary();
      if (!confirmed) {
        return blocked(want, r.name() + ": the peer is " + (e.peer() == Peer.NOT_DEMOTED
            ? "reachable and has not demoted" : "unreachable and not confirmed gone") + ": waiting for its demotion "
            + "or a confirmed fence");
      }
      return new Step(Action.PROMOTE, Optional.of(r.name()), want, why + ": " + r.name() + " to Primary ("
          + (e.peer() == Peer.GONE ? "peer fenced" : e.peer() == Peer.DEMOTED ? "peer demoted" : "peer Secondary")
          + ")");
    }
    if (!e.targetRunning()) return new Step(Action.START_TARGET, Optional.empty(), want, why + ": every resource "
        + "Primary, starting the iSCSI target");
    if (!e.ipLocal()) {
      if (e.ipAnswersElsewhere()) {
        return blocked(want, "the floating IP answers on the network while not here: not added (make sure the peer "
            + "is secondary)");
      }
      return new Step(Action.ADD_IP, Optional.empty(), want, why + ": target up, adding the floating IP");
    }
    return new Step(Action.NOTHING, Optional.empty(), want, why + ": primary, target up, floating IP here");
  }

  private static Step demote(Evidence e, String why) {
    Optional<Role> want = Optional.of(Role.SECONDARY);
    if (e.ipLocal()) return new Step(Action.REMOVE_IP, Optional.empty(), want, why + ": removing the floating IP");
    if (e.targetPresent()) return new Step(Action.STOP_TARGET, Optional.empty(), want, why + ": stopping the target");
    for (int i = e.resources().size() - 1; i >= 0; i--) {
      Resource r = e.resources().get(i);
      if (r.primary()) return new Step(Action.DEMOTE, Optional.of(r.name()), want, why + ": " + r.name() + " to Secondary");
    }
    return new Step(Action.NOTHING, Optional.empty(), want, why + ": secondary, no target, no floating IP");
  }

  private static Step blocked(Optional<Role> want, String reason) {
    return new Step(Action.BLOCKED, Optional.empty(), want, reason);
  }
}
