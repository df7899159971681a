package org.tandemha.controller.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tandemha.actors.port.PoolConfig;
import org.tandemha.controller.NodeConfig;
import org.tandemha.controller.admin.AdminCall;
import org.tandemha.controller.admin.AdminSocket;
import org.tandemha.protocol.Admin;

/**
 * {@code tandem config …} (issue #9 items 4-6), HA-Lizard's {@code ha-cfg get/set/backup/restore/restore-default}
 * plus {@code import-halizard}: through the running node, which checks every value against the others before anything
 * is written, journals the change (who, old → new) and writes it to the pool, where every node picks it up.
 */
public final class ConfigCommand {
  private ConfigCommand() {}

  public static final String USAGE = """
      usage: tandem config get [NAME] [--json]
             tandem config set NAME VALUE
             tandem config backup FILE [--force]
             tandem config restore FILE
             tandem config reset-defaults --yes
             tandem config import-halizard [--file /etc/ha-lizard/ha-lizard.conf]
             (each also takes --config FILE and --socket PATH; exit 0 done, 1 failed, 2 bad usage or value,
              3 node unreachable)
        get             every parameter (or NAME, any case): value and where it comes from — default < pool
                        (tandem config set) < host (/etc/tandem/tandem.conf)
        set             checks VALUE, then with every other value; nothing changes on an error; journaled; the
                        running nodes apply it at once, or say it takes a restart (quote values with spaces)
        backup          the pool's values as NAME=value lines
        restore         a backup: every line checked first, then all written (or none)
        reset-defaults  every value set in the pool back to its default
        import-halizard HA-Lizard's pool keys (HA_*) and its local override file, as Tandem's; secrets and
                        settings Tandem has no use for are skipped and named""";

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    AdminCall.Parsed parsed = AdminCall.parseOrAnswer("config", args, Set.of("file"), Set.of("yes", "force"), true,
        USAGE, out, err);
    if (parsed.answered()) return parsed.exit();
    AdminCall.Line line = parsed.line();
    List<String> w = line.words();
    if (w.isEmpty()) return usage("missing command", err);
    if (line.json() && !w.get(0).equals("get")) return usage("--json goes with config get only", err);
    switch (w.get(0)) {
      case "get" -> {
        if (w.size() > 2) return usage("config get takes at most one NAME", err);
        return get(line, w.size() == 2 ? w.get(1) : "", out, err);
      }
      case "set" -> {
        if (w.size() != 3) {
          return usage("config set needs NAME and VALUE" + (w.size() > 3 ? " (quote a value with spaces: "
              + "tandem config set MAIL_SUBJECT 'HA alert')" : ""), err);
        }
        LinkedHashMap<String, String> v = new LinkedHashMap<>();
        v.put(w.get(1), w.get(2));
        return send(line, new Admin.ConfigSet(v, "set"), out, err);
      }
      case "backup" -> {
        if (w.size() != 2) return usage("config backup needs FILE", err);
        return backup(line, Path.of(w.get(1)), out, err);
      }
      case "restore" -> {
        if (w.size() != 2) return usage("config restore needs FILE", err);
        LinkedHashMap<String, String> values;
        try {
          values = readAssignments(Path.of(w.get(1)), false);
        } catch (IllegalArgumentException | IOException e) {
          err.println("tandem config restore: " + e.getMessage() + "; nothing changed");
          return AdminCall.USAGE;
        }
        return send(line, new Admin.ConfigSet(values, "restore"), out, err);
      }
      case "reset-defaults" -> {
        if (w.size() != 1) return usage("config reset-defaults takes no argument", err);
        if (!line.flag("yes")) {
          err.println("tandem config reset-defaults: sets every pool value back to its default on every host; "
              + "add --yes to do it (`tandem config backup FILE` first keeps the current ones)");
          return AdminCall.USAGE;
        }
        return send(line, new Admin.ConfigSet(new LinkedHashMap<>(), "reset-defaults"), out, err);
      }
      case "import-halizard" -> {
        if (w.size() != 1) return usage("config import-halizard takes no argument (--file FILE for the override file)", err);
        Path file = Path.of(line.value("file").orElse("/etc/ha-lizard/ha-lizard.conf"));
        LinkedHashMap<String, String> values = new LinkedHashMap<>();
        if (line.value("file").isPresent() || Files.isRegularFile(file)) {
          try {
            values = readAssignments(file, true);
          } catch (IllegalArgumentException | IOException e) {
            err.println("tandem config import-halizard: " + e.getMessage() + "; nothing changed");
            return AdminCall.USAGE;
          }
        }
        return send(line, new Admin.ConfigSet(values, "import-halizard"), out, err);
      }
      default -> {
        return usage("unknown command \"" + w.get(0) + "\"", err);
      }
    }
  }

  private static int usage(String problem, PrintStream err) {
    err.println("tandem config: " + problem);
    err.println(USAGE);
    return AdminCall.USAGE;
  }

  private static int send(AdminCall.Line line, Admin.Request request, PrintStream out, PrintStream err) {
    return AdminCall.send("config", line, request, Duration.ofSeconds(30), out, err,
        "see `tandem events --type ConfigChanged` and `tandem config get`");
  }

  /** With the node down: the defaults and this host's file, and that the pool's values could not be read. */
  private static int get(AdminCall.Line line, String name, PrintStream out, PrintStream err) {
    ByteArrayOutputStream why = new ByteArrayOutputStream();
    int exit = AdminCall.send("config", line, new Admin.ConfigGet(name), Duration.ofSeconds(15), out,
        new PrintStream(why, true, StandardCharsets.UTF_8), "");
    if (exit != AdminCall.UNREACHABLE) {
      err.print(why.toString(StandardCharsets.UTF_8));
      return exit;
    }
    err.println(why.toString(StandardCharsets.UTF_8).strip() + "; the pool's values cannot be read: showing the "
        + "defaults and this host's file only");
    try {
      var user = line.config().map(f -> com.typesafe.config.ConfigFactory.parseFile(f))
          .orElse(Files.isRegularFile(Path.of("/etc/tandem/tandem.conf"))
              ? com.typesafe.config.ConfigFactory.parseFile(new java.io.File("/etc/tandem/tandem.conf"))
              : com.typesafe.config.ConfigFactory.empty());
      List<PoolConfig.Entry> entries = new PoolParameters(user, line.config().map(Object::toString)
          .orElse("/etc/tandem/tandem.conf")).effective(Map.of());
      AdminCall.print(line, org.tandemha.actors.ConfigScreen.get(entries, name), out, err);
    } catch (NodeConfig.Invalid | com.typesafe.config.ConfigException e) {
      err.println("tandem config: the local configuration cannot be read either: " + e.getMessage());
    }
    return AdminCall.UNREACHABLE;
  }

  private static int backup(AdminCall.Line line, Path file, PrintStream out, PrintStream err) {
    if (Files.exists(file) && !line.flag("force")) {
      err.println("tandem config backup: " + file + " exists; add --force to replace it");
      return AdminCall.USAGE;
    }
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    AdminCall.Line asJson = new AdminCall.Line(List.of(), Map.of(), Set.of(), true, false, line.config(), line.socket());
    int exit = AdminCall.send("config", asJson, new Admin.ConfigGet(""), Duration.ofSeconds(15),
        new PrintStream(json, true, StandardCharsets.UTF_8), err, "");
    if (exit != 0) return exit;
    StringBuilder b = new StringBuilder("# tandem config backup, " + java.time.Instant.now() + "\n");
    int n = 0;
    try {
      for (var p : AdminSocket.JSON.readTree(json.toString(StandardCharsets.UTF_8)).path("parameters")) {
        if (p.path("source").asText().startsWith("host file")) {
          b.append("# ").append(p.path("name").asText()).append(" is set in this host's file, not kept here\n");
          continue;
        }
        b.append(p.path("name").asText()).append('=').append(p.path("value").asText()).append('\n');
        n++;
      }
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, b.toString());
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      err.println("tandem config backup: " + file + ": " + e.getMessage());
      return AdminCall.FAILED;
    }
    out.println(n + " parameter(s) written to " + file + " (tandem config restore " + file + " puts them back)");
    return AdminCall.OK;
  }

  /**
   * NAME=value lines; blank lines and {@code #} comments skipped. {@code shell}: HA-Lizard's sourced file — quotes
   * stripped, {@code export} allowed, other lines skipped; otherwise any other line is an error naming it.
   */
  static LinkedHashMap<String, String> readAssignments(Path file, boolean shell) throws IOException {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + " is not a file");
    LinkedHashMap<String, String> out = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      if (l.isEmpty() || l.startsWith("#")) continue;
      if (shell && l.startsWith("export ")) l = l.substring(7).strip();
      int eq = l.indexOf('=');
      if (eq <= 0 || !l.substring(0, eq).strip().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        if (shell) continue;
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": \"" + lines.get(i) + "\" is not NAME=value");
      }
      String value = l.substring(eq + 1).strip();
      if (shell && value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
          || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      String name = l.substring(0, eq).strip().toUpperCase(java.util.Locale.ROOT);
      if (!shell && out.containsKey(name)) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + name + " given twice");
      }
      out.put(name, value);
    }
    return out;
  }
}
