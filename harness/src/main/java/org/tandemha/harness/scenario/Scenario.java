package org.tandemha.harness.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.tandemha.harness.sim.ApplianceSpec;
import org.tandemha.harness.sim.HostSpec;
import org.tandemha.harness.sim.SimPoolSpec;
import org.tandemha.harness.sim.VmSpec;

/**
 * One scenario directory (issue #10 item 1): {@code README} (one line), {@code pool.conf} (the initial pool: hosts,
 * master, VMs with their HA setting and priority, witnesses, the pool's other-config, Tandem's node config),
 * {@code commands} (timed actions and expectations, one per line) and {@code events.expect} (the golden journal,
 * normalised). Host and VM UUIDs follow from their names unless given, so a scenario is written with names only.
 * {@code golden = [xa]} limits the golden to those hosts' journals (a host that dies mid-scenario journals what it
 * managed to, which is timing); {@code golden = none} compares no journal at all (several deciders racing on
 * deadlines: the invariants and the expectations are what count).
 *
 * {@code storage = true}: the hosts replicate the pool's storage (the simulator's DRBD resource, iSCSI target and
 * floating IP), which follows the pool master as iSCSI-HA's does.
 *
 * @param golden  whether events.expect is compared (false for {@code golden = none})
 * @param storage whether the nodes run the storage role over the simulated DRBD, target and floating IP
 */
public record Scenario(String name, String readme, SimPoolSpec spec, int witnesses, String nodeConfig,
                       List<Command> commands, Map<String, String> hostsByName, Map<String, String> vmsByName,
                       Path dir, List<String> goldenHosts, boolean golden, boolean storage) {

  /** A scenario that cannot be read: the file, line and what is wrong. */
  public static final class Invalid extends Exception {
    public Invalid(String message) { super(message); }
  }

  /** Scenario hosts get 127.0.1.N: their own loopback addresses, apart from every other test's. */
  static final String ADDRESS_PREFIX = "127.0.1.";

  public static Scenario load(Path dir) throws Invalid {
    String name = dir.getFileName().toString();
    try {
      Path readme = dir.resolve("README");
      if (!Files.isRegularFile(readme)) throw new Invalid(name + ": README missing (one line saying what it shows)");
      List<String> readmeLines = Files.readAllLines(readme).stream().filter(l -> !l.isBlank()).toList();
      if (readmeLines.size() != 1) throw new Invalid(name + "/README: one line, got " + readmeLines.size());
      Config pool;
      try {
        pool = ConfigFactory.parseFile(dir.resolve("pool.conf").toFile(), ConfigParseOptions.defaults()
            .setAllowMissing(false)).resolve();
      } catch (ConfigException e) {
        throw new Invalid(name + "/pool.conf: " + e.getMessage());
      }
      return build(name, readmeLines.get(0).strip(), pool,
          Files.readString(dir.resolve("commands"), StandardCharsets.UTF_8), dir);
    } catch (IOException e) {
      throw new Invalid(name + ": " + e);
    }
  }

  static Scenario build(String name, String readme, Config pool, String commandsText, Path dir) throws Invalid {
    try {
      Map<String, String> hosts = new LinkedHashMap<>();
      List<HostSpec> hostSpecs = new ArrayList<>();
      int n = 1;
      for (Config h : pool.getConfigList("hosts")) {
        String hn = h.getString("name");
        String uuid = h.hasPath("uuid") ? h.getString("uuid") : uuid("host", name, hn);
        if (hosts.put(hn, uuid) != null) throw new Invalid(name + "/pool.conf: host " + hn + " twice");
        hostSpecs.add(new HostSpec(uuid, hn, ADDRESS_PREFIX + n++));
      }
      if (hostSpecs.isEmpty() || hostSpecs.size() > 16) {
        throw new Invalid(name + "/pool.conf: 1 to 16 hosts, got " + hostSpecs.size());
      }
      String master = pool.hasPath("master") ? pool.getString("master") : hostSpecs.get(0).name();
      if (!hosts.containsKey(master)) throw new Invalid(name + "/pool.conf: master " + master + " is no host");
      String field = "XenCenter.CustomFields.ha-lizard-enabled";
      Map<String, String> vms = new LinkedHashMap<>();
      List<VmSpec> vmSpecs = new ArrayList<>();
      for (Config v : pool.hasPath("vms") ? pool.getConfigList("vms") : List.<Config>of()) {
        String vn = v.getString("name");
        String host = v.hasPath("host") ? v.getString("host") : master;
        if (!hosts.containsKey(host)) throw new Invalid(name + "/pool.conf: VM " + vn + " on unknown host " + host);
        String uuid = v.hasPath("uuid") ? v.getString("uuid") : uuid("vm", name, vn);
        if (vms.put(vn, uuid) != null) throw new Invalid(name + "/pool.conf: VM " + vn + " twice");
        Map<String, String> other = new LinkedHashMap<>();
        other.put(field, String.valueOf(!v.hasPath("ha") || v.getBoolean("ha")));
        if (v.hasPath("priority")) other.put("tandem-priority", String.valueOf(v.getInt("priority")));
        String power = v.hasPath("power") ? v.getString("power") : "Running";
        vmSpecs.add(new VmSpec(uuid, vn, power, power.equals("Running") ? hosts.get(host) : null, other,
            v.hasPath("order") ? v.getLong("order") : 0, 0));
      }
      Map<String, String> other = new LinkedHashMap<>();
      other.put(field, "true");
      if (pool.hasPath("pool-other-config")) {
        pool.getConfig("pool-other-config").entrySet().forEach(e -> other.put(e.getKey().replace("\"", ""),
            String.valueOf(e.getValue().unwrapped())));
      }
      // vapps = [ { name = shop, vms = [db, web] } ]: VM_appliances (OP_MODE 1 starts them as units).
      List<ApplianceSpec> vapps = new ArrayList<>();
      for (Config a : pool.hasPath("vapps") ? pool.getConfigList("vapps") : List.<Config>of()) {
        String an = a.getString("name");
        List<String> members = new ArrayList<>();
        for (String vn : a.getStringList("vms")) {
          if (!vms.containsKey(vn)) throw new Invalid(name + "/pool.conf: vApp " + an + " names unknown VM " + vn);
          members.add(vms.get(vn));
        }
        vapps.add(new ApplianceSpec(uuid("vapp", name, an), an, members));
      }
      String poolUuid = uuid("pool", name, "pool");
      SimPoolSpec spec;
      try {
        spec = new SimPoolSpec(poolUuid, "scenario " + name, hostSpecs, hosts.get(master), vmSpecs, other,
            "root", "scenario-password", Duration.ofMillis(500), Duration.ofMillis(500), Duration.ZERO, vapps);
      } catch (IllegalArgumentException e) {
        throw new Invalid(name + "/pool.conf: " + e.getMessage());
      }
      int witnesses = pool.hasPath("witnesses") ? pool.getInt("witnesses") : 0;
      boolean storage = pool.hasPath("storage") && pool.getBoolean("storage");
      String nodeConfig = (pool.hasPath("node-config") ? pool.getString("node-config") : "")
          + (storage ? "\ntandem.sim.storage = on\n" : "");
      List<Command> commands = Command.parseAll(name, commandsText, hosts.keySet(), vms.keySet());
      if (!storage && commands.stream().anyMatch(c -> c instanceof Command.StorageLink
          || c instanceof Command.Expect e && e.what().equals("serving"))) {
        throw new Invalid(name + "/commands: storage-link and expect serving need storage = true in pool.conf");
      }
      boolean none = pool.hasPath("golden") && pool.getValue("golden").valueType() == ConfigValueType.STRING;
      if (none && !pool.getString("golden").equals("none")) {
        throw new Invalid(name + "/pool.conf: golden is a list of hosts, or none");
      }
      List<String> golden = pool.hasPath("golden") && !none ? pool.getStringList("golden") : List.of();
      for (String g : golden) {
        if (!hosts.containsKey(g)) throw new Invalid(name + "/pool.conf: golden names no host " + g);
      }
      return new Scenario(name, readme, spec, witnesses, nodeConfig, commands, hosts, vms, dir, List.copyOf(golden),
          !none, storage);
    } catch (ConfigException e) {
      throw new Invalid(name + "/pool.conf: " + e.getMessage());
    }
  }

  /** A stable UUID from the scenario and the name: the same in every run, so goldens never see UUIDs anyway. */
  public static String uuid(String kind, String scenario, String name) {
    return UUID.nameUUIDFromBytes((kind + "/" + scenario + "/" + name).getBytes(StandardCharsets.UTF_8)).toString();
  }

  public String hostName(String uuid) {
    return hostsByName.entrySet().stream().filter(e -> e.getValue().equals(uuid)).map(Map.Entry::getKey).findFirst()
        .orElse(uuid);
  }

  public String vmName(String uuid) {
    return vmsByName.entrySet().stream().filter(e -> e.getValue().equals(uuid)).map(Map.Entry::getKey).findFirst()
        .orElse(uuid);
  }
}
