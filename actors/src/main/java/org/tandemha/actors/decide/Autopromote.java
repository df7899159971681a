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
