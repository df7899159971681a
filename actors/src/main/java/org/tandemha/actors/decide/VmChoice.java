package org.tandemha.actors.decide;

import java.util.List;
import java.util.Locale;
import org.tandemha.protocol.VmView;

/**
 * Which VM an operator means by {@code tandem vm … NAME|UUID}: a UUID (any case) names one VM; a name must match
 * exactly one VM's name-label, spaces, quotes and unicode included. Control domains, templates and snapshots are
 * never candidates (HA-Lizard's get-vm-ha left them out too).
 */
public final class VmChoice {
  private VmChoice() {}

  /** Exactly one of: the VM, or why not (with the candidates when the name is ambiguous). */
  public record Result(VmView vm, String problem) {
    public boolean found() { return vm != null; }
  }

  public static Result choose(List<VmView> vms, String given) {
    List<VmView> guests = vms.stream().filter(v -> !v.controlDomain() && !v.template() && !v.snapshot()).toList();
    String lower = given.toLowerCase(Locale.ROOT);
    List<VmView> byUuid = guests.stream().filter(v -> v.id().uuid().toLowerCase(Locale.ROOT).equals(lower)).toList();
    if (byUuid.size() == 1) return new Result(byUuid.get(0), "");
    List<VmView> byName = guests.stream().filter(v -> v.name().equals(given)).toList();
    if (byName.size() == 1) return new Result(byName.get(0), "");
    if (byName.size() > 1) {
      StringBuilder b = new StringBuilder("VM name \"" + given + "\" is ambiguous: " + byName.size()
          + " VMs carry it; give the UUID of the one you mean:");
      byName.stream().sorted(java.util.Comparator.comparing(v -> v.id().uuid()))
          .forEach(v -> b.append("\n  ").append(v.id().uuid()).append("  ").append(v.name()).append("  ")
              .append(v.powerState()));
      return new Result(null, b.toString());
    }
    List<String> near = guests.stream().filter(v -> v.name().equalsIgnoreCase(given)).map(VmView::name).toList();
    return new Result(null, "no VM is named \"" + given + "\" or has that UUID"
        + (near.isEmpty() ? "" : " (differs only in case: " + String.join(", ", near) + ")")
        + "; see `tandem vm list`");
  }
}
