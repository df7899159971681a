package org.tandemha.actors.decide;

import java.util.ArrayList;
import java.util.List;
import org.tandemha.protocol.QuorumVerdict;

/**
 * Strict majority of the votes present: one per pool host's node reachable (self included) and one per witness
 * node reachable; witnesses count in the total too. HA-Lizard's IP-heuristics vote only breaks an exact tie, so a
 * lone host of a 3-host pool is never quorate through it (closes halizard-behaviour §10.1.7). The verdict says
 * whether the votes were an exact tie, because a tie broken by heuristics can be quorate on both sides.
 */
public final class Quorum {
  private Quorum() {}

  /**
   * @param poolHosts          hosts in the pool (each has one node vote)
   * @param nodesReachable     pool hosts' nodes reachable in the cluster, self included
   * @param witnesses          witness nodes configured (each has one vote)
   * @param witnessesReachable witness nodes reachable in the cluster
   * @param heuristicsSet      FENCE_USE_IP_HEURISTICS on and at least one IP configured
   * @param heuristicsAll      every heuristic IP answered
   */
  public record Evidence(int poolHosts, int nodesReachable, int witnesses, int witnessesReachable,
                         boolean heuristicsSet, boolean heuristicsAll) {
    /** A pool without witnesses. */
    public Evidence(int poolHosts, int nodesReachable, boolean heuristicsSet, boolean heuristicsAll) {
      this(poolHosts, nodesReachable, 0, 0, heuristicsSet, heuristicsAll);
    }
  }

  public static QuorumVerdict evaluate(Evidence e) {
    if (e.poolHosts() < 1 || e.nodesReachable() < 0 || e.nodesReachable() > e.poolHosts()
        || e.witnesses() < 0 || e.witnessesReachable() < 0 || e.witnessesReachable() > e.witnesses()) {
      return new QuorumVerdict(0, 1, false, false, List.of(), "inconsistent evidence " + e);
    }
    int total = e.poolHosts() + e.witnesses();
    int votes = e.nodesReachable() + e.witnessesReachable();
    int needed = total / 2 + 1;
    List<String> sources = new ArrayList<>();
    sources.add("nodes " + e.nodesReachable() + "/" + e.poolHosts());
    if (e.witnesses() > 0) sources.add("witnesses " + e.witnessesReachable() + "/" + e.witnesses());
    String of = votes + " of " + total + " votes";
    if (votes >= needed) return new QuorumVerdict(votes, needed, true, false, sources, "majority: " + of);
    boolean tie = total % 2 == 0 && votes == total / 2;
    if (tie && e.heuristicsSet() && e.heuristicsAll()) {
      sources.add("heuristics");
      return new QuorumVerdict(votes + 1, needed, true, true, sources,
          "exact tie (" + of + ") broken by IP heuristics: the other side may pass them too");
    }
    String why = !tie ? "minority (" + of + "); heuristics cannot outvote a majority"
        : !e.heuristicsSet() ? "exact tie (" + of + ") and no IP heuristics configured"
        : "exact tie (" + of + ") and not every heuristic IP answered";
    return new QuorumVerdict(votes, needed, false, tie, sources, why);
  }
}
