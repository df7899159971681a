package org.tandemha.actors.decide;

import java.util.Comparator;
import java.util.Optional;
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
