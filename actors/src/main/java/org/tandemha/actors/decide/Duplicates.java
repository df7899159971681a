package org.tandemha.actors.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tandemha.actors.port.LocalDomains;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PoolSnapshot;
import org.tandemha.protocol.VmView;

/**
 * Issue #5 item 6: a guest whose domain runs on this host while XAPI shows it Running (or Paused) on another
 * host is a duplicate — two copies writing one disk. With no XAPI operation in progress on it (a migration or a
 * start moves domains legitimately), seen on two pool reads at least {@link #CONFIRM} apart, the local copy is
 * destroyed: XAPI's record is the one the pool, its restarts and its operators follow.
 */
public final class Duplicates {
  private Duplicates() {}

  /** How long a duplicate must persist before it is acted on: longer than a start's DB update lag. */
  public static final Duration CONFIRM = Duration.ofSeconds(2);

  /** @param since VM uuid → when it was first seen duplicated (from the previous decision) */
  public record Evidence(HostId self, List<LocalDomains.Domain> local, PoolSnapshot pool, Map<String, Instant> since,
                         Instant now) {}

  /** One copy to destroy, with the XAPI host it is resident on and the evidence for the journal. */
  public record Stray(LocalDomains.Domain domain, VmView vm, HostId residentOn, String evidence) {}

  /** @param suspects what to remember for the next read; {@code destroy} what to destroy now */
  public record Decision(List<Stray> destroy, Map<String, Instant> suspects) {}

  public static Decision decide(Evidence e) {
    List<Stray> destroy = new ArrayList<>();
    Map<String, Instant> suspects = new HashMap<>();
    for (LocalDomains.Domain d : e.local()) {
      Optional<VmView> vm = e.pool().vms().stream().filter(v -> v.id().uuid().equalsIgnoreCase(d.vmUuid())).findFirst();
      if (vm.isEmpty() || vm.get().controlDomain() || vm.get().busy()) continue;
      VmView v = vm.get();
      boolean elsewhere = ("Running".equals(v.powerState()) || "Paused".equals(v.powerState()))
          && v.residentOn().isPresent() && !v.residentOn().get().equals(e.self());
      if (!elsewhere) continue;
      Instant first = e.since().getOrDefault(d.vmUuid(), e.now());
      suspects.put(d.vmUuid(), first);
      Duration seen = Duration.between(first, e.now());
      if (seen.compareTo(CONFIRM) >= 0) {
        destroy.add(new Stray(d, v, v.residentOn().get(), "its domain runs here while XAPI shows it "
            + v.powerState() + " on " + v.residentOn().get() + " with no operation in progress, for "
            + seen.toMillis() / 100 / 10.0 + " s"));
      }
    }
    return new Decision(List.copyOf(destroy), Map.copyOf(suspects));
  }
}
