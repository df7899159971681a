package org.tandemha.actors;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.tandemha.protocol.Admin;
import org.tandemha.protocol.NodeReport;
import org.tandemha.protocol.QuorumVerdict;

/**
 * {@code tandem status} and {@code tandem host list}: HA-Lizard's {@code ha-cfg status} rows (version, operating
 * mode, host role, pool/host/master UUIDs, service, HA enabled and the pool HA status) and what Tandem's safety rests
 * on (quorum and its sources, arming, the fence and whether it is one, the watchdog, the autopromote winner, a
 * suspension, the last takeover, the storage role), then one line per node — those that did not answer named.
 */
public final class NodeStatusScreen {
  private NodeStatusScreen() {}

  public static Admin.Reply status(Optional<NodeReport> local, List<NodeReport> others, int silentPeers, Instant now) {
    if (local.isEmpty()) {
      return new Admin.Reply(1, List.of("this node did not gather its own report within "
          + StatusRound.WITHIN.toSeconds() + "s: it is overloaded or wedged; see the node's log"));
    }
    NodeReport n = local.get();
    Map<String, String> names = names(n);
    List<String> out = new ArrayList<>();
    out.add("Tandem version " + n.version());
    if (insecure(n)) {
      out.add("INSECURE: this node talks to its peers in plain TCP (tandem.cluster.transport = insecure): anyone on the "
          + "management network can join the cluster or forge its messages");
    }
    out.add(row("Operating mode", "Mode [ " + n.opMode() + " ] " + modeText(n)));
    out.add(row("Host role", n.role()));
    out.add(row("Pool UUID", orDash(n.pool())));
    out.add(row("Host UUID", n.host() + named(n.hostName())));
    out.add(row("Master UUID", orDash(n.master()) + named(names.getOrDefault(n.master(), ""))));
    out.add(row("Service", "running (this node answered)"));
    out.add(row("HA enabled", n.haEnabled().isEmpty() ? "(unset)" : n.haEnabled()));
    out.add(row("Pool HA status", poolHaStatus(n)));
    if (n.nativeHa()) out.add(row("Native pool HA", "ON: XenServer's own HA fences; Tandem stands aside"));
    out.add(row("Arming", n.armed() ? "ARMED: fencing and takeover enabled"
        : "DISARMED: observing and restarting halted VMs only, no fencing, no takeover (tandem arm)"));
    out.add(row("Quorum", quorumLine(n.quorum())));
    out.add(row("Fencing", n.fence() + (n.realFence() ? ": a power fence, read back off"
        : ": NOT A FENCE (POOL powers nothing off): a lost host is taken over only after its own watchdog's "
            + "deadline, or once an operator declares it dead")));
    out.add(row("Watchdog", n.watchdog()));
    out.add(row("Autopromote", autopromote(n, names)));
    out.add(row("Suspension", n.suspended() ? "NOTICE: HA is SUSPENDED on this host"
        + (n.suspendedBecause() == null ? "" : ": " + n.suspendedBecause())
        + "; it takes nothing over until the master marks it healthy again" : "none"));
    out.add(row("Last takeover", n.lastTakeover()));
    out.add(row("Storage", n.storage()));
    out.add(row("Pool read", poolRead(n, now)));
    out.add(row("Transport", transportLine(n)));
    List<NodeReport> all = new ArrayList<>();
    all.add(n);
    all.addAll(others);
    out.add(row("Versions", versionsLine(all, names)));
    out.add("Nodes:");
    all.sort(java.util.Comparator.comparing(r -> names.getOrDefault(r.host(), r.host())));
    for (NodeReport r : all) out.add("  " + nodeLine(r, names));
    List<Map<String, Object>> silent = silent(n, others);
    for (Map<String, Object> s : silent) {
      out.add("  NOT ANSWERING: " + s.get("name") + " " + s.get("uuid") + " (its node is down, or cut off from this one)");
    }
    if (silentPeers > 0 && silent.isEmpty()) {
      out.add("  NOT ANSWERING: " + silentPeers + " node(s) of the cluster outside the pool as last read");
    }
    return new Admin.Reply(0, out, data(n, others, silent, silentPeers, now));
  }

  public static Admin.Reply hosts(Optional<NodeReport> local, List<NodeReport> others, int silentPeers) {
    if (local.isEmpty()) {
      return new Admin.Reply(1, List.of("this node did not gather its own report within "
          + StatusRound.WITHIN.toSeconds() + "s: it is overloaded or wedged; see the node's log"));
    }
    NodeReport n = local.get();
    if (n.hosts().isEmpty()) {
      return new Admin.Reply(1, List.of("the pool has not been read yet" + (n.poolReadError().isEmpty() ? ""
          : ": " + n.poolReadError())));
    }
    Map<String, NodeReport> byHost = new LinkedHashMap<>();
    byHost.put(n.host(), n);
    others.forEach(o -> byHost.put(o.host(), o));
    List<String> out = new ArrayList<>();
    out.add(String.format("%-16s %-36s %-15s %-6s %-8s %-5s %s", "NAME", "UUID", "ADDRESS", "ROLE", "ENABLED",
        "LIVE", "NODE"));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (NodeReport.HostLine h : n.hosts()) {
      NodeReport r = byHost.get(h.uuid());
      String node = r == null ? "NOT ANSWERING" : (r.armed() ? "armed" : "DISARMED") + (r.suspended() ? " SUSPENDED" : "")
          + (r.quorum() == null ? "" : r.quorum().quorate() ? " quorate" : " NOT quorate");
      out.add(String.format("%-16s %-36s %-15s %-6s %-8s %-5s %s", h.name(), h.uuid(), h.address(),
          h.master() ? "master" : "slave", h.enabled() ? "yes" : "no (maintenance)", h.live() ? "yes" : "no", node));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("uuid", h.uuid());
      row.put("name", h.name());
      row.put("address", h.address());
      row.put("role", h.master() ? "master" : "slave");
      row.put("enabled", h.enabled());
      row.put("live", h.live());
      row.put("nodeAnswered", r != null);
      row.put("armed", r == null ? null : r.armed());
      row.put("suspended", r == null ? null : r.suspended());
      row.put("quorate", r == null || r.quorum() == null ? null : r.quorum().quorate());
      rows.add(row);
    }
    return new Admin.Reply(0, out, Map.of("hosts", rows));
  }

  static String modeText(NodeReport n) {
    if (n.opMode() == 1) return "Managing Appliances";
    return n.globalVmHa() ? "Managing All VMs in Pool" : "Managing Individual VMs in Pool";
  }

  static String poolHaStatus(NodeReport n) {
    return switch (n.haEnabled()) {
      case "true" -> "ENABLED";
      case "false" -> "DISABLED (tandem enable turns it on)";
      default -> n.pool().isEmpty() ? "UNKNOWN: the pool has not been read" : "UNKNOWN: the pool HA switch reads \""
          + n.haEnabled() + "\", neither true nor false: nothing is restarted (tandem enable | tandem disable)";
    };
  }

  static String quorumLine(QuorumVerdict q) {
    if (q == null) return "unknown: the quorum actor did not answer";
    return (q.quorate() ? "QUORATE" : "NOT QUORATE") + " — " + q.votes() + " vote(s), " + q.needed() + " needed"
        + (q.tieBroken() ? ", exact tie broken by the IP heuristics" : "") + "; sources: "
        + (q.sources().isEmpty() ? "none" : String.join(", ", q.sources())) + " (" + q.reason() + ")";
  }

  private static String autopromote(NodeReport n, Map<String, String> names) {
    if (n.autopromote().isEmpty()) return "not chosen yet";
    if (n.autopromote().equals("none_available")) return "none_available: no slave can take over a dead master now";
    return n.autopromote() + named(names.getOrDefault(n.autopromote(), ""));
  }

  private static String poolRead(NodeReport n, Instant now) {
    if (n.poolReadAt() == null) return "never" + (n.poolReadError().isEmpty() ? "" : ": " + n.poolReadError());
    String age = String.format(Locale.ROOT, "%.1fs ago", Duration.between(n.poolReadAt(), now).toMillis() / 1000.0);
    return n.poolReadError().isEmpty() ? age : "last good read " + age + "; now FAILING: " + n.poolReadError();
  }

  private static String nodeLine(NodeReport r, Map<String, String> names) {
    String name = names.getOrDefault(r.host(), r.hostName());
    return String.format("%-16s %s  %-7s %-8s %s%s  storage: %s  v%s%s", name.isEmpty() ? "?" : name, r.host(), r.role(),
        r.armed() ? "armed" : "DISARMED",
        r.quorum() == null ? "quorum unknown" : (r.quorum().quorate() ? "quorate " : "NOT quorate ")
            + r.quorum().votes() + "/" + r.quorum().needed(),
        r.suspended() ? "  SUSPENDED" : "", r.storage(), r.version(), insecure(r) ? "  INSECURE" : "");
  }

  private static boolean insecure(NodeReport r) {
    return r.transport() != null && r.transport().startsWith("INSECURE");
  }

  private static String transportLine(NodeReport n) {
    if (n.transport() == null) return "unknown";
    return insecure(n) ? "INSECURE: plain TCP between nodes (tandem.cluster.transport = insecure; README, Certificates)"
        : "mutual TLS 1.3 between nodes: only certificates of the pool CA are let in";
  }

  /** One version, or every node's when they differ: a rolling upgrade (README, "Upgrading") is under way. */
  static String versionsLine(List<NodeReport> all, Map<String, String> names) {
    Set<String> versions = all.stream().map(NodeReport::version).collect(Collectors.toCollection(java.util.TreeSet::new));
    if (versions.size() == 1) return versions.iterator().next() + " on every node that answered";
    return "MIXED: " + all.stream().map(r -> r.version() + " (" + names.getOrDefault(r.host(), r.hostName()) + ")")
        .collect(Collectors.joining(", ")) + ": a rolling upgrade is under way; finish it one host at a time";
  }

  private static List<Map<String, Object>> silent(NodeReport n, List<NodeReport> others) {
    Set<String> answered = others.stream().map(NodeReport::host).collect(Collectors.toSet());
    answered.add(n.host());
    List<Map<String, Object>> out = new ArrayList<>();
    for (NodeReport.HostLine h : n.hosts()) {
      if (answered.contains(h.uuid())) continue;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("uuid", h.uuid());
      m.put("name", h.name());
      out.add(m);
    }
    return out;
  }

  private static Map<String, String> names(NodeReport n) {
    Map<String, String> m = new LinkedHashMap<>();
    n.hosts().forEach(h -> m.put(h.uuid(), h.name()));
    return m;
  }

  private static Map<String, Object> data(NodeReport n, List<NodeReport> others, List<Map<String, Object>> silent,
                                          int silentPeers, Instant now) {
    Map<String, String> names = names(n);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("version", n.version());
    d.put("host", Map.of("uuid", n.host(), "name", n.hostName()));
    d.put("role", n.role());
    d.put("pool", n.pool());
    d.put("master", entry(n.master(), names));
    d.put("operatingMode", Map.of("opMode", n.opMode(), "text", modeText(n)));
    Map<String, Object> ha = new LinkedHashMap<>();
    ha.put("value", n.haEnabled());
    ha.put("status", n.haEnabled().equals("true") ? "ENABLED" : n.haEnabled().equals("false") ? "DISABLED" : "UNKNOWN");
    d.put("haEnabled", ha);
    d.put("nativeHa", n.nativeHa());
    d.put("armed", n.armed());
    Map<String, Object> susp = new LinkedHashMap<>();
    susp.put("suspended", n.suspended());
    susp.put("reason", n.suspendedBecause());
    d.put("suspension", susp);
    d.put("quorum", quorum(n.quorum()));
    Map<String, Object> fencing = new LinkedHashMap<>();
    fencing.put("device", n.fence());
    fencing.put("realFence", n.realFence());
    d.put("fencing", fencing);
    d.put("watchdog", n.watchdog());
    d.put("autopromote", n.autopromote().isEmpty() ? null : entry(n.autopromote(), names));
    d.put("lastTakeover", n.lastTakeover());
    d.put("storage", n.storage());
    d.put("poolReadAt", n.poolReadAt() == null ? null : n.poolReadAt().toString());
    d.put("poolReadAgeSeconds", n.poolReadAt() == null ? null : Duration.between(n.poolReadAt(), now).toMillis() / 1000.0);
    d.put("poolReadError", n.poolReadError());
    d.put("transport", n.transport());
    d.put("mixedVersions", Stream.concat(Stream.of(n), others.stream()).map(NodeReport::version).distinct().count() > 1);
    List<Map<String, Object>> nodes = new ArrayList<>();
    List<NodeReport> all = new ArrayList<>();
    all.add(n);
    all.addAll(others);
    for (NodeReport r : all) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("uuid", r.host());
      m.put("name", names.getOrDefault(r.host(), r.hostName()));
      m.put("role", r.role());
      m.put("armed", r.armed());
      m.put("suspended", r.suspended());
      m.put("quorum", quorum(r.quorum()));
      m.put("fence", r.fence());
      m.put("realFence", r.realFence());
      m.put("watchdog", r.watchdog());
      m.put("storage", r.storage());
      m.put("lastTakeover", r.lastTakeover());
      m.put("version", r.version());
      m.put("transport", r.transport());
      nodes.add(m);
    }
    d.put("nodes", nodes);
    d.put("notAnswering", silent);
    d.put("silentPeers", silentPeers);
    return d;
  }

  private static Map<String, Object> entry(String uuid, Map<String, String> names) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("uuid", uuid);
    m.put("name", names.getOrDefault(uuid, ""));
    return m;
  }

  private static Map<String, Object> quorum(QuorumVerdict q) {
    if (q == null) return null;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("quorate", q.quorate());
    m.put("votes", q.votes());
    m.put("needed", q.needed());
    m.put("tieBroken", q.tieBroken());
    m.put("sources", q.sources());
    m.put("reason", q.reason());
    return m;
  }

  private static String row(String label, String value) {
    return String.format("%-16s %s", label + ":", value);
  }

  private static String orDash(String s) { return s.isEmpty() ? "-" : s; }

  private static String named(String name) { return name.isEmpty() ? "" : " (" + name + ")"; }
}
