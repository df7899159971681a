package org.tandemha.controller.admin;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tandemha.controller.NodeConfig;
import org.tandemha.controller.journal.EventsCommand;
import org.tandemha.protocol.Admin;
import org.tandemha.protocol.Version;

/**
 * The operator's verbs that ask the running node (issue #9): {@code status}, {@code version}, {@code host list},
 * {@code vm list | set-ha | set-priority}, {@code enable | disable} (the pool HA switch) and {@code arm | disarm}.
 * Each takes {@code --help}, {@code --config FILE} and {@code --socket PATH}; the read verbs take {@code --json}.
 * Exit codes: 0 done, 1 failed, 2 bad usage or value, 3 node unreachable. With the node down, {@code status} and
 * {@code version} still answer what the host itself knows (its config and journal) and say the node is down.
 */
public final class NodeCommands {
  private NodeCommands() {}

  static final String COMMON = "(each also takes --config FILE and --socket PATH; exit 0 done, 1 failed, 2 bad usage, "
      + "3 node unreachable)";

  static final Map<String, String> USAGE = Map.of(
      "status", """
          usage: tandem status [--json]
            the pool HA facts as `ha-cfg status` showed them (version, operating mode, host role, pool/host/master
            UUIDs, service, HA enabled) and what Tandem's safety rests on: quorum and its sources, armed, the fence
            and whether it is one, the watchdog, the autopromote winner, a suspension, the last takeover, storage;
            then one line per node, those that did not answer named. With the node down: what the journal says.
          """ + COMMON,
      "version", "usage: tandem version [--json]\n  this CLI's version and the running node's\n" + COMMON,
      "host", """
          usage: tandem host list [--json]
                 tandem host resume HOST
                 tandem host declare-dead HOST [--yes]
                 tandem host maintenance enable|disable HOST
            HOST is a UUID or a host's exact name.
            list          the pool's hosts (name, UUID, address, master/slave, enabled, live) and each one's node:
                          armed, suspended, quorate, or NOT ANSWERING
            resume        ends HOST's HA suspension (journaled on HOST's node)
            declare-dead  HOST is gone, on an operator's word: refused while its node, XAPI or ping answers; run
                          it on the host that takes over (the master, or for the master the autopromote winner);
                          its work is then taken over as after a confirmed fence. Asks to confirm unless --yes.
            maintenance   enable: HOST gets no VMs and is never fenced (host.disable); disable: ends it
          """ + COMMON,
      "vm", """
          usage: tandem vm list [--json]
                 tandem vm set-ha VM true|false
                 tandem vm set-priority VM N|default
            VM is a UUID or an exact name (quote names with spaces); an ambiguous name lists the candidates.
            list          HA-Enabled, managed, UUID, name, restart priority, power state, what a restart would do
            set-ha        the VM's HA field (XenCenter's custom field HA-Lizard used), read with GLOBAL_VM_HA=0
            set-priority  the restart priority class: lower restarts earlier; default = XAPI's order
          """ + COMMON,
      "enable", "usage: tandem enable\n  turns the pool HA switch on (the XenCenter field ha-lizard-enabled=true)\n"
          + COMMON,
      "disable", "usage: tandem disable\n  turns the pool HA switch off: no VM is restarted; fencing stays armed\n"
          + COMMON,
      "arm", "usage: tandem arm\n  lets every node fence lost hosts and take their work over again\n" + COMMON,
      "alert", "usage: tandem alert test\n  sends a test alert through every configured channel (e-mail, pool message, "
          + "webhook) and says how each took it\n" + COMMON,
      "alerts", "usage: tandem alerts list [--json] | clear\n  list: this node's recent alerts and how each channel "
          + "took them, and the duplicates suppressed (MAIL_SCREEN_TIME); clear: forget them, restart the window\n"
          + COMMON,
      "disarm", "usage: tandem disarm\n  no node fences or takes over (HA VMs that halt are still restarted)\n"
          + COMMON);

  public static boolean handles(String verb) { return USAGE.containsKey(verb); }

  public static int run(String verb, List<String> args, PrintStream out, PrintStream err) {
    boolean reads = Set.of("status", "version", "host", "vm", "alerts").contains(verb);
    AdminCall.Parsed parsed = AdminCall.parseOrAnswer(verb, args, Set.of(), verb.equals("host") ? Set.of("yes") : Set.of(),
        reads, USAGE.get(verb), out, err);
    if (parsed.answered()) return parsed.exit();
    AdminCall.Line line = parsed.line();
    List<String> w = line.words();
    Admin.Request request;
    switch (verb) {
      case "status" -> {
        if (!w.isEmpty()) return usage(verb, "unexpected argument \"" + w.get(0) + "\"", err);
        return status(line, out, err);
      }
      case "version" -> {
        if (!w.isEmpty()) return usage(verb, "unexpected argument \"" + w.get(0) + "\"", err);
        return version(line, out, err);
      }
      case "host" -> {
        if (w.isEmpty()) return usage(verb, "missing command", err);
        if (line.json() && !w.get(0).equals("list")) return usage(verb, "--json goes with host list only", err);
        switch (w.get(0)) {
          case "list" -> {
            if (w.size() != 1) return usage(verb, "host list takes no arguments", err);
            request = new Admin.HostList();
          }
          case "resume" -> {
            if (w.size() != 2) return usage(verb, "host resume needs one HOST", err);
            request = new Admin.HostAction("resume", w.get(1));
          }
          case "declare-dead" -> {
            if (w.size() != 2) return usage(verb, "host declare-dead needs one HOST", err);
            if (!line.flag("yes") && !confirmed(w.get(1), out, err)) return AdminCall.USAGE;
            request = new Admin.HostAction("declare-dead", w.get(1));
          }
          case "maintenance" -> {
            if (w.size() != 3 || !Set.of("enable", "disable").contains(w.get(1))) {
              return usage(verb, "host maintenance enable|disable HOST", err);
            }
            request = new Admin.HostAction("maintenance-" + w.get(1), w.get(2));
          }
          default -> {
            return usage(verb, "unknown command \"" + w.get(0) + "\"", err);
          }
        }
      }
      case "vm" -> {
        if (w.isEmpty()) return usage(verb, "missing command", err);
        switch (w.get(0)) {
          case "list" -> {
            if (w.size() != 1) return usage(verb, "vm list takes no arguments", err);
            request = new Admin.VmList();
          }
          case "set-ha", "set-priority" -> {
            if (w.size() < 3) return usage(verb, w.get(0) + " needs a VM and a value", err);
            if (w.size() > 3) {
              return usage(verb, w.get(0) + ": too many arguments " + w.subList(1, w.size()) + " — quote a VM name "
                  + "that has spaces: tandem vm " + w.get(0) + " 'my vm' VALUE", err);
            }
            if (line.json()) return usage(verb, "--json goes with vm list only", err);
            request = new Admin.VmSet(w.get(1), w.get(0).equals("set-ha") ? "ha" : "priority", w.get(2));
          }
          default -> {
            return usage(verb, "unknown command \"" + w.get(0) + "\"", err);
          }
        }
      }
      case "alert" -> {
        if (!w.equals(List.of("test"))) return usage(verb, w.isEmpty() ? "missing command" : "unknown command \""
            + String.join(" ", w) + "\"", err);
        request = new Admin.Alerts("test");
      }
      case "alerts" -> {
        if (w.size() != 1 || !Set.of("list", "clear").contains(w.get(0))) {
          return usage(verb, w.isEmpty() ? "missing command" : "unknown command \"" + String.join(" ", w) + "\"", err);
        }
        if (line.json() && !w.get(0).equals("list")) return usage(verb, "--json goes with alerts list only", err);
        request = new Admin.Alerts(w.get(0));
      }
      default -> {   // enable, disable, arm, disarm
        if (!w.isEmpty()) return usage(verb, "unexpected argument \"" + w.get(0) + "\"", err);
        request = new Admin.PoolSwitch(verb);
      }
    }
    // An alert test waits for every channel: a mail server's timeout, with a margin.
    return AdminCall.send(verb, line, request, Duration.ofSeconds(request instanceof Admin.Alerts ? 60 : 20), out, err,
        "see `tandem events --type ConfigChanged`");
  }

  /** declare-dead without --yes: the operator types the host again; without a terminal, --yes is needed. */
  private static boolean confirmed(String host, PrintStream out, PrintStream err) {
    java.io.Console console = System.console();
    if (console == null) {
      err.println("tandem host declare-dead: declaring " + host + " dead makes Tandem take its work over without a "
          + "fence; without a terminal to confirm on, add --yes");
      return false;
    }
    out.println("Declaring " + host + " dead: Tandem restarts its VMs elsewhere WITHOUT powering it off.");
    out.println("If it is still running, its VMs will run twice. Make sure it is off.");
    String typed = console.readLine("Type %s again to confirm: ", host);
    if (typed == null || !typed.strip().equals(host)) {
      err.println("tandem host declare-dead: not confirmed; nothing done");
      return false;
    }
    return true;
  }

  private static int usage(String verb, String problem, PrintStream err) {
    err.println("tandem " + verb + ": " + problem);
    err.println(USAGE.get(verb));
    return AdminCall.USAGE;
  }

  private static int version(AdminCall.Line line, PrintStream out, PrintStream err) {
    ByteArrayOutputStream nodeOut = new ByteArrayOutputStream();
    ByteArrayOutputStream nodeErr = new ByteArrayOutputStream();
    AdminCall.Line asJson = new AdminCall.Line(line.words(), line.values(), line.flags(), true, false, line.config(),
        line.socket());
    int exit = AdminCall.send("version", asJson, new Admin.Status(), Duration.ofSeconds(10),
        new PrintStream(nodeOut, true, StandardCharsets.UTF_8), new PrintStream(nodeErr, true, StandardCharsets.UTF_8), "");
    String node = "not running";
    if (exit == 0) {
      try {
        node = AdminSocket.JSON.readTree(nodeOut.toString(StandardCharsets.UTF_8)).path("version").asText("unknown");
      } catch (java.io.IOException e) {
        node = "unknown (" + e.getMessage() + ")";
      }
    }
    if (line.json()) {
      out.println(AdminSocket.json(Map.of("cli", Version.current(), "node", node)));
    } else {
      out.println("Version " + Version.current());
      out.println("node: " + (exit == 0 ? node : "not running (" + nodeErr.toString(StandardCharsets.UTF_8).strip() + ")"));
    }
    return AdminCall.OK;
  }

  /** The node's status; with the node down, what this host's config and journal say, and that it is down. */
  private static int status(AdminCall.Line line, PrintStream out, PrintStream err) {
    ByteArrayOutputStream failure = new ByteArrayOutputStream();
    PrintStream failures = new PrintStream(failure, true, StandardCharsets.UTF_8);
    int exit = AdminCall.send("status", line, new Admin.Status(), Duration.ofSeconds(15), out, failures,
        "see `tandem events`");
    String why = failure.toString(StandardCharsets.UTF_8);
    if (exit != AdminCall.UNREACHABLE) {
      err.print(why);
      return exit;
    }
    err.println("tandem status: DOWN: " + why.strip().replaceFirst("^tandem status: ", ""));
    String dir;
    Map<String, Object> data = new java.util.LinkedHashMap<>();
    try {
      var conf = line.localConfig();
      dir = conf.getString("tandem.journal.dir");
      data.put("version", Version.current());
      data.put("service", "down");
      data.put("reason", why.strip());
      if (!conf.getString("tandem.node.host-uuid").isBlank()) data.put("host", Map.of("uuid", conf.getString("tandem.node.host-uuid")));
      if (!line.json()) {
        out.println("Tandem version " + Version.current() + " (CLI)");
        out.println(String.format("%-16s %s", "Service:", "NOT RUNNING"));
        if (!conf.getString("tandem.node.host-uuid").isBlank()) {
          out.println(String.format("%-16s %s", "Host UUID:", conf.getString("tandem.node.host-uuid")));
        }
      }
    } catch (NodeConfig.Invalid | com.typesafe.config.ConfigException e) {
      err.println("tandem status: the local configuration cannot be read either: " + e.getMessage());
      return AdminCall.UNREACHABLE;
    }
    ByteArrayOutputStream events = new ByteArrayOutputStream();
    int read = EventsCommand.run(List.of("--dir", dir, "--type", "ArmingChanged,Suspended,SuspensionCleared,MasterLost,"
            + "SlaveLost,TakeoverFinished,TakeoverRefused,FenceConfirmed,FenceFailed,ConfigChanged,StorageManualMode,"
            + "SplitBrain"), new PrintStream(events, true, StandardCharsets.UTF_8),
        new PrintStream(java.io.OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8), java.time.Instant::now,
        () -> false);
    List<String> last = events.toString(StandardCharsets.UTF_8).lines().toList();
    if (line.json()) {
      data.put("journal", dir);
      data.put("lastDecisions", last.subList(Math.max(0, last.size() - 10), last.size()));
      out.println(AdminSocket.json(data));
      return AdminCall.UNREACHABLE;
    }
    if (read == 0 || !last.isEmpty()) {
      out.println("Last decisions in the journal (" + dir + "):");
      last.subList(Math.max(0, last.size() - 10), last.size()).forEach(l -> out.println("  " + l));
      if (last.isEmpty()) out.println("  (none)");
    } else {
      out.println("Journal: " + dir + " cannot be read (tandem events --dir " + dir + " says why)");
    }
    return AdminCall.UNREACHABLE;
  }
}
