package org.tandemha.actors.decide;

import java.util.Comparator;
import java.util.Optional;
import java.util.List;
import java.time.Instant;
import java.util.Set;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.HostView;
import org.tandemha.protocol.PoolSnapshot;

/** Which slave alone may replace a dead master (HA-Lizard autoselect_slave, §2.9). */
public final class Autopromote {
  private Autopromote() {}

  public record Choice(Optional<HostId> winner, String reason) {}

  /**
   * What the master knows when it picks the winner.
   *
   * @param fenced    hosts fenced this round (never eligible)
   * @param suspended hosts in HA suspension (a suspended host never promotes, §3.7)
   * @param quorate   slaves whose node is in the master's quorate partition (an empty set when the master
   *                  itself is not quorate: then nobody is eligible)
   * @param preferred an operator's preference; wins when it is eligible, otherwise ignored (with a reason)
   */
  public record Evidence(PoolSnapshot pool, Set<HostId> fenced, Set<HostId> suspended, Set<HostId> quorate,
                         Optional<HostId> preferred) {
    public Evidence {
      fenced = Set.copyOf(fenced);
      suspended = Set.copyOf(suspended);
      quorate = Set.copyOf(quorate);
    }
  }

  /** Issue #4: the preferred host if eligible, else the lowest UUID among enabled, unsuspended, quorate slaves. */
  public static Choice choose(Evidence e) {
    Optional<HostId> pref = e.preferred();
    if (pref.isPresent() && ineligible(e, pref.get()).isEmpty()) {
      return new Choice(pref, "operator preference " + pref.get() + " is eligible");
    }
    String prefNote = pref.map(p -> "; operator preference " + p + " ignored: " + ineligible(e, p)).orElse("");
    Optional<HostId> winner = e.pool().hosts().stream().map(HostView::id)
        .filter(h -> ineligible(e, h).isEmpty())
        .min(Comparator.naturalOrder());
    return winner.map(w -> new Choice(Optional.of(w), "lowest UUID among enabled, unsuspended, quorate, unfenced slaves"
            + prefNote))
        .orElseGet(() -> new Choice(Optional.empty(),
            "none_available: no enabled, unsuspended, quorate, unfenced slave" + prefNote));
  }

  private static String ineligible(Evidence e, HostId h) {
    Optional<HostView> v = e.pool().host(h);
    if (v.isEmpty()) return "not a host of the pool";
    if (h.equals(e.pool().master())) return "is the master";
    if (!v.get().enabled()) return "disabled (maintenance)";
    if (e.fenced().contains(h)) return "fenced";
    if (e.suspended().contains(h)) return "HA suspended";
    if (!e.quorate().contains(h)) return "not in the quorate partition";
    return "";
  }

  /** Lowest UUID among enabled slaves, leaving out hosts that were fenced or are otherwise excluded. */
  public static Choice choose(PoolSnapshot pool, Set<HostId> excluded) {
    Optional<HostId> winner = pool.hosts().stream()
        .filter(h -> !h.id().equals(pool.master()))
        .filter(HostView::enabled)
        .map(HostView::id)
        .filter(h -> !excluded.contains(h))
        .min(Comparator.naturalOrder());
    return winner.map(w -> new Choice(Optional.of(w), "lowest UUID among enabled, unfenced slaves"))
        .orElseGet(() -> new Choice(Optional.empty(), "none_available: no enabled, unfenced slave"));
  }

  /**
   * What one node believes the winner is, and as of when: the last time it chose the winner (master) or read it
   * from the pool (slave). Empty {@code asOf}: it has never known one.
   */
  public record Belief(Optional<HostId> winner, Optional<Instant> asOf, Optional<HostId> master) {
    /** A belief read without knowing the master it was read from. */
    public Belief(Optional<HostId> winner, Optional<Instant> asOf) { this(winner, asOf, Optional.empty()); }
  }

  public record Agreement(Optional<HostId> winner, String reason) {}

  /**
   * Which winner a slave acts on when the master is lost. Each node keeps the winner it last read, so a slave cut
   * from the master before the master chose another one still names itself, while the others name the new choice
   * (found by the fuzz runner: two winners, two masters). The freshest belief among this node's and those of the
   * nodes it still reaches wins — a stale node's last read came before the change the others saw; two different
   * winners as fresh as each other name nobody.
   */
  public static Agreement agree(Belief own, List<Belief> others, HostId lostMaster) {
    Belief freshest = freshest(own, others);
    if (freshest.master().isPresent() && !freshest.master().get().equals(lostMaster)) {
      // Another slave took over already and chose a new winner: the lost host is a slave of the new master now.
      return new Agreement(Optional.empty(), "the freshest read names " + freshest.master().get()
          + " pool master, not " + lostMaster + ": taken over already");
    }
    return agree(own, others);
  }

  /** {@link #agree(Belief, List, HostId)} without the masters. */
  public static Agreement agree(Belief own, List<Belief> others) {
    Belief freshest = freshest(own, others);
    boolean conflict = others.stream().filter(b -> b.asOf().isPresent() && b.asOf().equals(freshest.asOf()))
        .anyMatch(b -> !b.winner().equals(freshest.winner()))
        || (own.asOf().isPresent() && own.asOf().equals(freshest.asOf()) && !own.winner().equals(freshest.winner()));
    String who = freshest.winner().map(HostId::toString).orElse("none_available");
    if (conflict) {
      return new Agreement(Optional.empty(), "nodes name different winners as of the same instant: nobody takes over");
    }
    if (freshest == own) {
      return new Agreement(own.winner(), "this node's winner " + who + " is the freshest of " + (others.size() + 1)
          + " node(s)");
    }
    return new Agreement(freshest.winner(), "another node read a fresher winner " + who + " (as of "
        + freshest.asOf().get() + ", this node's as of " + own.asOf().map(Instant::toString).orElse("never") + ")");
  }

  /** The belief read last (this node's on a tie or when nobody has read one). */
  private static Belief freshest(Belief own, List<Belief> others) {
    Belief best = own;
    for (Belief b : others) {
      if (b.asOf().isPresent() && (best.asOf().isEmpty() || b.asOf().get().isAfter(best.asOf().get()))) best = b;
    }
    return best;
  }

  /** The value HA-Lizard writes to pool other-config {@code autopromote_uuid}. */
  public static String poolValue(Optional<HostId> winner) {
    return winner.map(HostId::uuid).orElse("none_available");
  }

  /** Reads pool other-config {@code autopromote_uuid} back; anything that is not a host of the pool is none. */
  public static Optional<HostId> fromPoolValue(String value, PoolSnapshot pool) {
    if (value == null || value.isBlank() || value.equals("none_available")) return Optional.empty();
    return pool.hosts().stream().map(HostView::id).filter(h -> h.uuid().equals(value)).findFirst();
  }
}
