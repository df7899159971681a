package org.tandemha.actors.decide;

import java.util.ArrayList;
import java.util.List;
import org.tandemha.protocol.QuorumVerdict;

/**
 * Strict majority of the pool's node votes. HA-Lizard's IP-heuristics vote only breaks an exact tie, so a
 * lone host of a 3-host pool is never quorate through it (closes halizard-behaviour §10.1.7).
 */
public final class Quorum {
  private Quorum() {}

  /**
   * @param poolHosts       hosts in the pool (each has one node vote)
   * @param nodesReachable  pool hosts' nodes reachable in the cluster, self included
   * @param heuristicsSet   FENCE_USE_IP_HEURISTICS on and at least one IP configured
   * @param heuristicsAll   every heuristic IP answered
   */
  public record Evidence(int poolHosts, int nodesReachable, boolean heuristicsSet, boolean heuristicsAll) {}

  public static QuorumVerdict evaluate(Evidence e) {
    if (e.poolHosts() < 1 || e.nodesReachable() < 0 || e.nodesReachable() > e.poolHosts()) {
      return new QuorumVerdict(0, 1, false, List.of(), "inconsistent evidence " + e);
    }
    int needed = e.poolHosts() / 2 + 1;
    List<String> sources = new ArrayList<>();
    sources.add("nodes " + e.nodesReachable() + "/" + e.poolHosts());
    if (e.nodesReachable() >= needed) {
      return new QuorumVerdict(e.nodesReachable(), needed, true, sources, "majority of nodes");
    }
    boolean tie = e.poolHosts() % 2 == 0 && e.nodesReachable() == e.poolHosts() / 2;
    if (tie && e.heuristicsSet() && e.heuristicsAll()) {
      sources.add("heuristics");
      return new QuorumVerdict(e.nodesReachable() + 1, needed, true, sources, "exact tie broken by IP heuristics");
    }
    String why = !tie ? "minority of nodes; heuristics cannot outvote a majority"
        : !e.heuristicsSet() ? "exact tie and no IP heuristics configured"
        : "exact tie and not every heuristic IP answered";
    return new QuorumVerdict(e.nodesReachable(), needed, false, sources, why);
  }
}
