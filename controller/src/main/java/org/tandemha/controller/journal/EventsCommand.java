package org.tandemha.controller.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code tandem events}: the journal, newest last, one readable line per event — read straight from the file,
 * so it works with the node down and on a journal copied elsewhere ({@code --dir}). Bad arguments print a clear
 * error and exit 2; a damaged line is reported on stderr (exit 1 after printing the rest), never skipped silently.
 */
public final class EventsCommand {
  public static final String USAGE = """
      usage: tandem events [--dir DIR] [--since DURATION|TIME] [--host HOST] [--type TYPE[,TYPE…]] [--json] [--follow]
        --dir DIR     the journal directory (default /var/lib/tandem/journal) or its events.jsonl file
        --since S     only events from the last S (30s, 10m, 2h, 1d) or after TIME (2026-11-22, 2026-11-22T03:12,
                      2026-11-22T03:12:05Z; UTC)
        --host HOST   only events written by that host's node or naming it (a UUID or its first characters)
        --type T,…    only these event types (FenceConfirmed, VmRestarted, …; any case)
        --json        one JSON object per line: ts, node, type, pid, seq, event (stable names, for scripts and jq)
        --follow      keep printing events as they are written, until interrupted""";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  static final Duration FOLLOW_POLL = Duration.ofMillis(200);

  /** The parsed arguments. */
  record Options(Path file, Optional<Instant> since, Optional<String> host, Set<String> types, boolean json,
                 boolean follow) {}

  /** A bad argument: the message says which and why. */
  static final class BadArgument extends Exception {
    BadArgument(String message) { super(message); }
  }

  private EventsCommand() {}

  /** Runs the command; returns the exit code. {@code stop} ends {@code --follow} (Ctrl-C in real use). */
  public static int run(List<String> args, PrintStream out, PrintStream err, Supplier<Instant> now,
                        Supplier<Boolean> stop) {
    Options o;
    try {
      o = parse(args, now.get());
    } catch (BadArgument e) {
      err.println("tandem events: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (o == null) {
      out.println(USAGE);
      return 0;
    }
    Path dir = o.file().toAbsolutePath().getParent();
    try {
      if (JournalReader.segments(dir).isEmpty()) {
        err.println("tandem events: no journal at " + o.file() + " (is --dir right? the node writes <journal.dir>/"
            + FileJournal.FILE_NAME + ")");
        return 2;
      }
    } catch (IOException e) {
      err.println("tandem events: cannot read " + dir + ": " + e.getMessage());
      return 2;
    }
    reportQuarantined(o.file(), err);
    JournalReader.Cursor cursor = new JournalReader.Cursor(dir);
    boolean damaged;
    try {
      damaged = print(cursor.next(), o, out, err);
    } catch (IOException e) {
      err.println("tandem events: cannot read " + dir + ": " + e.getMessage());
      return 2;
    }
    while (o.follow() && !stop.get()) {
      try {
        Thread.sleep(FOLLOW_POLL.toMillis());
        damaged |= print(cursor.next(), o, out, err);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (IOException e) {
        err.println("tandem events: cannot read " + dir + ": " + e.getMessage() + "; still trying");
      }
    }
    return damaged ? 1 : 0;
  }

  static Options parse(List<String> args, Instant now) throws BadArgument {
    Path dir = Path.of("/var/lib/tandem/journal");
    Optional<Instant> since = Optional.empty();
    Optional<String> host = Optional.empty();
    Set<String> types = Set.of();
    boolean json = false;
    boolean follow = false;
    for (Iterator<String> it = args.iterator(); it.hasNext(); ) {
      String a = it.next();
      switch (a) {
        case "--help", "-h" -> { return null; }
        case "--json" -> json = true;
        case "--follow", "-f" -> follow = true;
        case "--dir" -> dir = Path.of(value(it, a));
        case "--since" -> since = Optional.of(since(value(it, a), now));
        case "--host" -> host = Optional.of(value(it, a).toLowerCase(Locale.ROOT));
        case "--type" -> types = Stream.of(value(it, a).split(",")).map(String::trim).filter(t -> !t.isEmpty())
            .map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        default -> throw new BadArgument("unexpected argument \"" + a + "\"");
      }
    }
    Path file = Files.isDirectory(dir) || !dir.getFileName().toString().endsWith(".jsonl")
        ? dir.resolve(FileJournal.FILE_NAME) : dir;
    return new Options(file, since, host, types, json, follow);
  }

  private static String value(Iterator<String> it, String option) throws BadArgument {
    if (!it.hasNext()) throw new BadArgument(option + " needs a value");
    String v = it.next();
    if (v.isBlank() || v.startsWith("--")) throw new BadArgument(option + " needs a value, got \"" + v + "\"");
    return v;
  }

  /** {@code 10m}, {@code 2h}, … before now; or an ISO date, date-time (UTC) or instant. */
  static Instant since(String v, Instant now) throws BadArgument {
    Matcher m = DURATION.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      return now.minus(d);
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException ignored) {
      // not an instant; try a date-time or a date
    }
    try {
      return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException ignored) {
      // try a date
    }
    try {
      return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new BadArgument("--since \"" + v + "\" is neither a duration (30s, 10m, 2h, 1d) nor a time "
          + "(2026-11-22, 2026-11-22T03:12, 2026-11-22T03:12:05Z)");
    }
  }

  /** Prints what passes the filters; damaged lines go to {@code err}. Returns whether any line was damaged. */
  private static boolean print(JournalReader.Contents c, Options o, PrintStream out, PrintStream err) {
    for (JournalReader.Event e : c.events()) {
      if (!matches(e, o)) continue;
      out.println(o.json() ? json(e) : text(e));
    }
    for (JournalReader.Damage d : c.damaged()) {
      err.println("tandem events: line " + d.line() + " of " + d.file() + " is damaged (" + d.reason()
          + "): not shown; the node refuses to start on a damaged line that is not the last");
    }
    out.flush();
    return !c.damaged().isEmpty();
  }

  static boolean matches(JournalReader.Event e, Options o) {
    if (o.since().isPresent() && e.ts().isBefore(o.since().get())) return false;
    if (!o.types().isEmpty() && !o.types().contains(e.type().toLowerCase(Locale.ROOT))) return false;
    if (o.host().isPresent()) {
      String h = o.host().get();
      boolean named = e.node().toLowerCase(Locale.ROOT).startsWith(h);
      for (Iterator<JsonNode> it = e.event().elements(); !named && it.hasNext(); ) {
        JsonNode v = it.next();
        named = v.isTextual() && v.asText().toLowerCase(Locale.ROOT).startsWith(h);
      }
      if (!named) return false;
    }
    return true;
  }

  /** {@code 2026-11-22T03:12:05.118Z 7c4e1a9b FenceConfirmed target=3f9a2c1e device=… evidence="power read back OFF"} */
  static String text(JournalReader.Event e) {
    StringBuilder sb = new StringBuilder();
    sb.append(e.ts()).append(' ').append(shortIds(e.node().isEmpty() ? "-" : e.node())).append(' ').append(e.type());
    for (Iterator<Map.Entry<String, JsonNode>> it = e.event().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equals("at")) continue;   // the decision's time; the line starts with when it was written
      JsonNode v = f.getValue();
      String s = shortIds(v.isTextual() ? v.asText() : v.isArray() ? joined(v) : v.toString());
      sb.append(' ').append(f.getKey()).append('=');
      sb.append(s.isEmpty() || s.contains(" ") || s.contains("\"") ? JSON.valueToTree(s).toString() : s);
    }
    return sb.toString();
  }

  /** A list as its elements' text, comma-separated: {@code sources="nodes 1/2,heuristics"}. */
  private static String joined(JsonNode array) {
    List<String> parts = new ArrayList<>();
    array.forEach(x -> parts.add(x.isTextual() ? x.asText() : x.toString()));
    return String.join(",", parts);
  }

  /** UUIDs shortened to their first 8 characters, as operators read them; {@code --json} keeps them whole. */
  private static String shortIds(String s) {
    return UUID.matcher(s).replaceAll(r -> r.group().substring(0, 8));
  }

  static String json(JournalReader.Event e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("ts", e.ts().toString());
    n.put("node", e.node());
    n.put("type", e.type());
    n.put("pid", e.pid());
    n.put("seq", e.seq());
    n.set("event", e.event());
    return n.toString();
  }

  /** Torn tails the node moved aside at start: worth knowing about when reading its journal. */
  private static void reportQuarantined(Path file, PrintStream err) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null) return;
    List<String> found = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(file.getFileName() + ".") && n.endsWith(".corrupt"))
          .sorted().forEach(found::add);
    } catch (IOException ignored) {
      return;
    }
    if (!found.isEmpty()) {
      err.println("tandem events: torn tail(s) the node moved aside at start (not shown): " + String.join(", ", found));
    }
  }
}
