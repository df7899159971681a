package org.tandemha.actors.decide;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import org.tandemha.protocol.VmId;

/**
 * In what order halted managed VMs come back (issue #5 item 3, closes halizard-behaviour §10.3's "start
 * order/weighting" and "parallel recovery with limits"): by priority class, lowest first — Tandem's key
 * {@value #PRIORITY_KEY} in the VM's other-config, else XAPI's {@code order} — then by {@code order}, then by
 * name; all VMs of one class in parallel up to the concurrency limit; a later class only once every VM of
 * the earlier classes is running or has failed for now.
 */
public final class RestartOrder {
  private RestartOrder() {}

  /** VM other-config key for the restart priority class: a non-negative integer, lower starts earlier. */
  public static final String PRIORITY_KEY = "tandem-priority";
  public static final int DEFAULT_CONCURRENCY = 4;

  /** One VM waiting to be started (halted, managed, with a home-pool token). */
  public record Candidate(VmId id, String name, int priorityClass, long order) {
    public Candidate {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * @param waiting    VMs that still need a start (not running, not given up on for now)
   * @param inFlight   VMs whose start was issued and has not ended, with their class
   * @param limit      the concurrency limit (≥ 1)
   * @param unseen     VMs whose start ended after the pool read the round works from, with their class: the read
   *                   does not show how they ended, so no later class goes before a read that does
   */
  public record Evidence(List<Candidate> waiting, Map<VmId, Integer> inFlight, int limit, Map<VmId, Integer> unseen) {
    public Evidence {
      waiting = List.copyOf(waiting);
      inFlight = Map.copyOf(inFlight);
      unseen = Map.copyOf(unseen);
      if (limit < 1) throw new IllegalArgumentException("concurrency limit must be at least 1, got " + limit);
    }

    public Evidence(List<Candidate> waiting, Map<VmId, Integer> inFlight, int limit) {
      this(waiting, inFlight, limit, Map.of());
    }
  }

  /** @param start the VMs to issue now, in this order; {@code reason} says what holds the others back */
  public record Decision(List<Candidate> start, String reason) {}

  /**
   * The class a VM restarts in: its {@value #PRIORITY_KEY} if that is a non-negative integer, else its XAPI
   * {@code order}; an unreadable value is reported by the caller ({@link #priorityProblem}) and falls back
   * to {@code order}, so a typo never keeps a VM down.
   */
  public static int priorityClass(Map<String, String> otherConfig, long order) {
    OptionalInt p = parse(otherConfig.get(PRIORITY_KEY));
    if (p.isPresent()) return p.getAsInt();
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, order));
  }

  /** What is wrong with a VM's {@value #PRIORITY_KEY}, or empty when it is absent or valid. */
  public static String priorityProblem(Map<String, String> otherConfig) {
    String v = otherConfig.get(PRIORITY_KEY);
    if (v == null || v.isBlank() || parse(v).isPresent()) return "";   // blank: `tandem vm set-priority VM default`
    return PRIORITY_KEY + "=\"" + v + "\" is not a non-negative integer: XAPI order used instead";
  }

  private static OptionalInt parse(String v) {
    if (v == null || v.isBlank()) return OptionalInt.empty();
    try {
      int n = Integer.parseInt(v.trim());
      return n >= 0 ? OptionalInt.of(n) : OptionalInt.empty();
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  public static Decision next(Evidence e) {
    if (e.waiting().isEmpty()) return new Decision(List.of(), "nothing waiting");
    Set<VmId> flying = e.inFlight().keySet();
    List<Candidate> queue = e.waiting().stream().filter(c -> !flying.contains(c.id()))
        .sorted(Comparator.comparingInt(Candidate::priorityClass).thenComparingLong(Candidate::order)
            .thenComparing(Candidate::name).thenComparing(c -> c.id().uuid()))
        .toList();
    // The class now allowed: the lowest among everything not yet done, in flight or waiting.
    int current = e.waiting().stream().mapToInt(Candidate::priorityClass).min().getAsInt();
    for (int c : e.inFlight().values()) current = Math.min(current, c);
    for (int c : e.unseen().values()) current = Math.min(current, c);
    int free = e.limit() - e.inFlight().size();
    if (free <= 0) {
      return new Decision(List.of(), "concurrency limit " + e.limit() + " reached (" + e.inFlight().size() + " starting)");
    }
    List<Candidate> start = new ArrayList<>();
    for (Candidate c : queue) {
      if (c.priorityClass() != current || start.size() == free) break;
      start.add(c);
    }
    String held = queue.size() > start.size()
        ? "; " + (queue.size() - start.size()) + " wait" + (queue.get(start.size()).priorityClass() != current
            ? " for class " + current + " to be running or failed" : " for the concurrency limit " + e.limit())
        : "";
    return new Decision(List.copyOf(start), start.isEmpty() ? "class " + current + " still starting" + held
        : "class " + current + ": " + start.size() + " to start" + held);
  }
}
