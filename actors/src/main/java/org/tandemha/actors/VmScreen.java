package org.tandemha.actors;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tandemha.actors.decide.RestartOrder;
import org.tandemha.actors.decide.VmPolicy;
import org.tandemha.protocol.Admin;
import org.tandemha.protocol.HaSettings;
import org.tandemha.protocol.PoolSnapshot;
import org.tandemha.protocol.VmView;

/**
 * {@code tandem vm list}: HA-Lizard's {@code get-vm-ha} columns (HA-Enabled, UUID, name; dom0s, templates and
 * snapshots left out) plus what Tandem adds — the restart priority class, the power state and what a restart would do
 * with the VM now, in the words the restart policy itself uses.
 */
public final class VmScreen {
  private VmScreen() {}

  public static Admin.Reply list(PoolSnapshot pool, HaSettings ha) {
    List<String> out = new ArrayList<>();
    out.add(ha.vappMode() ? "OP_MODE=1: vApps are managed as units, regardless of each VM's HA field"
        : ha.globalVmHa() ? "OP_MODE=2, GLOBAL_VM_HA=1: every VM is managed, regardless of its HA field"
        : "OP_MODE=2, GLOBAL_VM_HA=0: only VMs whose HA field (" + ha.vmFieldKey() + ") is true are managed");
    String format = "%-10s %-8s %-36s %-24s %-8s %-10s %s";
    out.add(String.format(format, "HA-Enabled", "Managed", "VM-UUID", "VM-Name", "Priority", "Power", "Restart"));
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, String> hostNames = new LinkedHashMap<>();
    pool.hosts().forEach(h -> hostNames.put(h.id().uuid(), h.name()));
    List<VmView> guests = pool.vms().stream().filter(v -> !v.controlDomain() && !v.template() && !v.snapshot())
        .sorted(Comparator.comparing(VmView::name).thenComparing(v -> v.id().uuid())).toList();
    for (VmView v : guests) {
      String field = v.otherConfig().getOrDefault(ha.vmFieldKey(), "unset");
      VmPolicy.Managed managed = VmPolicy.managed(ha, v);
      int priority = RestartOrder.priorityClass(v.otherConfig(), v.order());
      String problem = RestartOrder.priorityProblem(v.otherConfig());
      String restart = v.running() ? "running on " + v.residentOn().map(h -> hostNames.getOrDefault(h.uuid(), h.uuid()))
          .orElse("?") : v.halted() ? restartVerdict(VmPolicy.toRestart(ha, pool.pool(), v)) : v.powerState();
      out.add(String.format(format, field, managed.name().toLowerCase(java.util.Locale.ROOT), v.id().uuid(), v.name(),
          priority + (problem.isEmpty() ? "" : "!"), v.powerState(), restart));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("uuid", v.id().uuid());
      row.put("name", v.name());
      row.put("haEnabled", field);
      row.put("managed", managed.name().toLowerCase(java.util.Locale.ROOT));
      row.put("priority", priority);
      row.put("priorityProblem", problem);
      row.put("powerState", v.powerState());
      row.put("residentOn", v.residentOn().map(h -> h.uuid()).orElse(null));
      row.put("appliance", v.appliance().orElse(null));
      row.put("restart", restart);
      rows.add(row);
    }
    if (guests.isEmpty()) out.add("(no VMs)");
    if (rows.stream().anyMatch(r -> !((String) r.get("priorityProblem")).isEmpty())) {
      out.add("! " + RestartOrder.PRIORITY_KEY + " unreadable: XAPI's order is used (tandem vm set-priority VM N)");
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("opMode", ha.opMode());
    data.put("globalVmHa", ha.globalVmHa());
    data.put("vms", rows);
    return new Admin.Reply(0, out, data);
  }

  private static String restartVerdict(VmPolicy.Verdict v) {
    return (v.act() ? "would restart: " : "left halted: ") + v.reason();
  }
}
