package org.tandemha.actors.decide;

import java.util.Optional;
import org.tandemha.protocol.HostId;

/** Whether this slave should act on the master it can no longer reach (halizard-behaviour §3.4). */
public final class MasterLoss {
  private MasterLoss() {}

  public enum Action { KEEP_WATCHING, STAND_BY, FENCE_AND_TAKE_OVER }

  /**
   * @param clusterUnreachable the Akka failure detector marks the master's node unreachable
   * @param failedProbes       consecutive XAPI probes of the master that got no answer
   * @param xapiCount          XAPI_COUNT
   * @param poolHaEnabled      the pool's HA switch as last read (kept while XAPI is down)
   * @param winner             the autopromote winner as last persisted on this node
   * @param suspended          this node is in HA suspension (Suspension): it never promotes (closes §3.4.1)
   */
  public record Evidence(HostId self, boolean clusterUnreachable, int failedProbes, int xapiCount,
                         boolean poolHaEnabled, Optional<HostId> winner, boolean suspended) {
    /** A node that is not suspended. */
    public Evidence(HostId self, boolean clusterUnreachable, int failedProbes, int xapiCount,
                    boolean poolHaEnabled, Optional<HostId> winner) {
      this(self, clusterUnreachable, failedProbes, xapiCount, poolHaEnabled, winner, false);
    }
  }

  public record Decision(Action action, String reason) {}

  public static Decision assess(Evidence e) {
    if (!e.clusterUnreachable()) return new Decision(Action.KEEP_WATCHING, "master's node reachable in the cluster");
    if (e.failedProbes() < e.xapiCount()) {
      return new Decision(Action.KEEP_WATCHING,
          "XAPI probes failed " + e.failedProbes() + "/" + e.xapiCount() + ", not yet confirmed");
    }
    if (e.suspended()) {
      return new Decision(Action.STAND_BY, "HA suspended on this host: a suspended node never promotes");
    }
    if (!e.poolHaEnabled()) return new Decision(Action.STAND_BY, "pool HA is disabled");
    if (e.winner().isEmpty()) return new Decision(Action.STAND_BY, "no autopromote winner known");
    if (!e.winner().get().equals(e.self())) {
      return new Decision(Action.STAND_BY, "autopromote winner is " + e.winner().get() + ", not this host");
    }
    return new Decision(Action.FENCE_AND_TAKE_OVER,
        "master unreachable in cluster, XAPI probes failed " + e.failedProbes() + "/" + e.xapiCount()
            + ", this host is the autopromote winner");
  }
}
