package org.tandemha.actors.decide;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.HostView;

/**
 * Where a VM restarts (issue #5 item 4): only live, enabled, unfenced hosts; the VM's affinity host first,
 * then the host with the most free memory XAPI reports; hosts that already failed this VM's start are
 * skipped; when every host failed, the VM waits with an exponential backoff before the round starts over.
 */
public final class HostChoice {
  private HostChoice() {}

  public static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
  public static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  /**
   * @param affinity   the VM's affinity host, if any
   * @param memoryFree bytes free per host, as host_metrics reports (a host without a figure counts as 0)
   * @param fenced     hosts fenced and not rejoined: never chosen
   * @param failed     hosts whose start of this VM failed in the current round
   */
  public record Evidence(Optional<HostId> affinity, List<HostView> hosts, Map<HostId, Long> memoryFree,
                         Set<HostId> fenced, Set<HostId> failed) {
    public Evidence {
      Objects.requireNonNull(affinity, "affinity");
      hosts = List.copyOf(hosts);
      memoryFree = Map.copyOf(memoryFree);
      fenced = Set.copyOf(fenced);
      failed = Set.copyOf(failed);
    }
  }

  /** @param host where to start now; empty = every eligible host failed (or none is eligible): back off */
  public record Choice(Optional<HostId> host, String reason) {}

  public static Choice choose(Evidence e) {
    List<HostView> eligible = e.hosts().stream()
        .filter(h -> h.live() && h.enabled() && !e.fenced().contains(h.id()))
        .toList();
    if (eligible.isEmpty()) return new Choice(Optional.empty(), "no live, enabled, unfenced host");
    List<HostView> untried = eligible.stream().filter(h -> !e.failed().contains(h.id())).toList();
    if (untried.isEmpty()) {
      return new Choice(Optional.empty(), "the start failed on every eligible host (" + eligible.size() + ")");
    }
    if (e.affinity().isPresent()) {
      Optional<HostView> home = untried.stream().filter(h -> h.id().equals(e.affinity().get())).findFirst();
      if (home.isPresent()) return new Choice(Optional.of(home.get().id()), "its affinity host");
    }
    HostView best = untried.stream()
        .max(Comparator.comparingLong((HostView h) -> e.memoryFree().getOrDefault(h.id(), 0L))
            .thenComparing(h -> h.id(), Comparator.reverseOrder()))
        .get();
    long free = e.memoryFree().getOrDefault(best.id(), 0L);
    String why = "most free memory (" + (free >> 20) + " MiB)";
    if (e.affinity().isPresent()) {
      why += "; affinity host " + e.affinity().get()
          + (e.failed().contains(e.affinity().get()) ? " failed this round" : " is not live, enabled and unfenced");
    }
    return new Choice(Optional.of(best.id()), why);
  }

  /** The wait after the {@code rounds}-th round in which every host failed (1 = first): doubling, capped. */
  public static Duration backoff(int rounds) {
    if (rounds < 1) return Duration.ZERO;
    Duration d = FIRST_BACKOFF;
    for (int i = 1; i < rounds && d.compareTo(MAX_BACKOFF) < 0; i++) d = d.multipliedBy(2);
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  /** Whether a start failure is the VDI-still-attached kind that a VDI state reset fixes (retry once). */
  public static boolean vdiInUse(String errorCode) {
    return errorCode != null && (errorCode.equals("SR_BACKEND_FAILURE_46") || errorCode.equals("VDI_IN_USE"));
  }
}
