package org.tandemha.protocol;

import java.util.List;

/** Quorum as judged from the votes present: strict majority; the heuristics vote only breaks an exact tie. */
public record QuorumVerdict(int votes, int needed, boolean quorate, List<String> sources, String reason)
    implements CborSerializable {
  public QuorumVerdict { sources = List.copyOf(sources); }
}
