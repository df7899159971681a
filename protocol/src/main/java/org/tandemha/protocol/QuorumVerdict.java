package org.tandemha.protocol;

import java.util.List;

/**
 * Quorum as judged from the votes present: strict majority; the heuristics vote only breaks an exact tie.
 *
 * @param exactTie the node and witness votes were exactly half of the total; when {@code quorate} is also true
 *                 the quorum came from the IP-heuristics tie-break, which both sides of a partition can pass,
 *                 so the fence must decide (FencingGate)
 */
public record QuorumVerdict(int votes, int needed, boolean quorate, boolean exactTie, List<String> sources,
                            String reason) implements CborSerializable {
  public QuorumVerdict { sources = List.copyOf(sources); }

  /** Quorate only through the tie-break: the other side of the partition may be quorate too. */
  public boolean tieBroken() { return quorate && exactTie; }
}
