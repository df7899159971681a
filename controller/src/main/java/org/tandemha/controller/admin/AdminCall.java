package org.tandemha.controller.admin;

import com.typesafe.config.Config;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tandemha.controller.NodeConfig;
import org.tandemha.protocol.Admin;

/**
 * What every {@code tandem} verb that talks to the running node shares: its options ({@code --config FILE},
 * {@code --socket PATH}, {@code --json} where the verb reads), the socket found from the local config, one request
 * sent, the answer printed, and the exit codes (0 done, 1 failed, 2 bad usage or value, 3 node unreachable).
 */
public final class AdminCall {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int UNREACHABLE = 3;

  /** The usage error a parse found: printed with the verb's usage, exit 2. */
  public static final class BadUsage extends Exception {
    public BadUsage(String message) { super(message); }
  }

  /**
   * A verb's command line, parsed.
   *
   * @param words   the positional words, in order
   * @param values  options that take a value ({@code --survivor HOST}), by name without the dashes
   * @param flags   options without a value that were given ({@code really}, {@code yes}), without the dashes
   */
  public record Line(List<String> words, Map<String, String> values, Set<String> flags, boolean json, boolean help,
                     Optional<File> config, Optional<Path> socket) {
    public Optional<String> value(String name) { return Optional.ofNullable(values.get(name)); }

    public boolean flag(String name) { return flags.contains(name); }

    /** The node-local configuration: the given file, else /etc/tandem/tandem.conf when it exists. */
    public Config localConfig() {
      File f = config.orElse(new File("/etc/tandem/tandem.conf").isFile() ? new File("/etc/tandem/tandem.conf") : null);
      return NodeConfig.loadLocal(f);
    }

    /** The admin socket: {@code --socket}, else tandem.admin.socket of the local configuration. */
    public Path socketPath() {
      return socket.orElseGet(() -> Path.of(localConfig().getString("tandem.admin.socket")));
    }
  }

  private AdminCall() {}

  /** A verb's command line, or — bad usage (printed, exit 2) or {@code --help} (usage printed, exit 0) — its exit. */
  public record Parsed(Line line, int exit) {
    public boolean answered() { return line == null; }
  }

  /** {@link #parse}, with the bad-usage and {@code --help} answers every verb gives. */
  public static Parsed parseOrAnswer(String verb, List<String> args, Set<String> valueOptions, Set<String> flagOptions,
                                     boolean jsonAllowed, String usage, PrintStream out, PrintStream err) {
    try {
      Line l = parse(verb, args, valueOptions, flagOptions, jsonAllowed);
      if (!l.help()) return new Parsed(l, OK);
      out.println(usage);
      return new Parsed(null, OK);
    } catch (BadUsage e) {
      err.println(e.getMessage());
      err.println(usage);
      return new Parsed(null, USAGE);
    }
  }

  /**
   * @param valueOptions the verb's own options taking a value, without dashes
   * @param flagOptions  the verb's own options without a value, without dashes
   * @param jsonAllowed  the verb reads: {@code --json} prints the answer's data as one JSON object
   */
  public static Line parse(String verb, List<String> args, Set<String> valueOptions, Set<String> flagOptions,
                           boolean jsonAllowed) throws BadUsage {
    List<String> words = new ArrayList<>();
    Map<String, String> values = new HashMap<>();
    Set<String> flags = new HashSet<>();
    boolean json = false;
    boolean help = false;
    File config = null;
    Path socket = null;
    boolean optionsEnd = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String name = a.startsWith("--") ? a.substring(2) : null;
      if (optionsEnd) {
        words.add(a);   // after "--" every argument is a word, even "-h" or "--x" (a value, a VM name)
      } else if (a.equals("--")) {
        optionsEnd = true;
      } else if (a.equals("--help") || a.equals("-h")) {
        help = true;
      } else if (a.equals("--json")) {
        if (!jsonAllowed) throw new BadUsage("tandem " + verb + ": --json goes with the read verbs only");
        json = true;
      } else if (a.equals("--config") || a.equals("--socket") || (name != null && valueOptions.contains(name))) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
          throw new BadUsage("tandem " + verb + ": " + a + " needs a value");
        }
        String v = args.get(++i);
        if (a.equals("--config")) {
          config = new File(v);
        } else if (a.equals("--socket")) {
          socket = Path.of(v);
        } else if (values.put(name, v) != null) {
          throw new BadUsage("tandem " + verb + ": " + a + " given twice");
        }
      } else if (name != null && flagOptions.contains(name)) {
        flags.add(name);
      } else if (a.startsWith("--")) {
        throw new BadUsage("tandem " + verb + ": unknown option \"" + a + "\"");
      } else {
        words.add(a);   // names with spaces, quotes or any unicode arrive whole, as the shell passed them
      }
    }
    return new Line(List.copyOf(words), Map.copyOf(values), Set.copyOf(flags), json, help,
        Optional.ofNullable(config), Optional.ofNullable(socket));
  }

  /**
   * Sends the request to the node and prints its answer: {@code --json} prints the data (also when it failed, so
   * scripts read the same shape), otherwise the lines, to stdout on success and stderr on failure.
   *
   * @param noAnswerHint where to look when the request went out and no answer came (the outcome is unknown)
   * @return the exit code
   */
  public static int send(String verb, Line line, Admin.Request request, Duration wait, PrintStream out,
                         PrintStream err, String noAnswerHint) {
    Path socket;
    try {
      socket = line.socketPath();
    } catch (NodeConfig.Invalid | com.typesafe.config.ConfigException e) {
      err.println("tandem " + verb + ": invalid configuration: " + e.getMessage());
      return USAGE;
    }
    try {
      Admin.Reply reply = AdminClient.call(socket, request, wait);
      print(line, reply, out, err);
      return reply.exit();
    } catch (AdminClient.Unreachable e) {
      err.println("tandem " + verb + ": " + e.getMessage());
      return UNREACHABLE;
    } catch (AdminClient.NoAnswer e) {
      err.println("tandem " + verb + ": " + e.getMessage() + "; the outcome is unknown"
          + (noAnswerHint.isEmpty() ? "" : ": " + noAnswerHint));
      return FAILED;
    }
  }

  public static void print(Line line, Admin.Reply reply, PrintStream out, PrintStream err) {
    if (line.json() && !reply.data().isEmpty()) {
      (reply.exit() == 0 ? out : err).println(AdminSocket.json(reply.data()));
      if (reply.exit() != 0) reply.lines().forEach(err::println);
    } else {
      reply.lines().forEach(reply.exit() == 0 ? out::println : err::println);
    }
  }
}
