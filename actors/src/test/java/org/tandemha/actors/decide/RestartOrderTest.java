package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.actors.decide.RestartOrder.Candidate;
import org.tandemha.protocol.VmId;

/** Issue #5 item 3: priority classes, order, name; parallel within a class up to the limit (halizard §10.3). */
class RestartOrderTest {
  static Candidate vm(String name, int cls, long order) {
    return new Candidate(new VmId("00000000-0000-4000-8000-" + String.format("%012d", Math.abs(name.hashCode()))),
        name, cls, order);
  }

  static final Candidate DB = vm("db", 0, 0);
  static final Candidate DNS = vm("dns", 0, 1);
  static final Candidate APP1 = vm("app1", 1, 0);
  static final Candidate APP2 = vm("app2", 1, 0);
  static final Candidate APP3 = vm("app3", 1, 2);
  static final Candidate WEB = vm("web", 2, 0);

  static Map<VmId, Integer> flying(Candidate... cs) {
    Map<VmId, Integer> m = new HashMap<>();
    for (Candidate c : cs) m.put(c.id(), c.priorityClass());
    return m;
  }

  static Stream<Arguments> rows() {
    return Stream.of(//                         waiting                              in flight          limit  started now
        Arguments.of("nothing waiting",          List.of(),                            flying(),           4, List.of()),
        Arguments.of("lowest class first, by order", List.of(WEB, APP1, DNS, DB),      flying(),           4, List.of(DB, DNS)),
        Arguments.of("class 0 running: class 1 next, by order then name",
            List.of(WEB, APP3, APP2, APP1),                                            flying(),           4, List.of(APP1, APP2, APP3)),
        Arguments.of("limit 2 within a class",   List.of(APP3, APP2, APP1),            flying(),           2, List.of(APP1, APP2)),
        Arguments.of("limit counts what is in flight", List.of(APP3, APP2),            flying(APP1),       2, List.of(APP2)),
        Arguments.of("limit reached: nothing",   List.of(APP3),                        flying(APP1, APP2), 2, List.of()),
        Arguments.of("later class waits for an earlier one in flight", List.of(WEB),   flying(APP1),       4, List.of()),
        Arguments.of("an earlier class still waiting holds a later one back", List.of(WEB, DB), flying(),  1, List.of(DB)),
        Arguments.of("in-flight VMs are not issued twice", List.of(APP1, APP2),        flying(APP1),       4, List.of(APP2)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void startsInOrder(String name, List<Candidate> waiting, Map<VmId, Integer> inFlight, int limit, List<Candidate> now) {
    RestartOrder.Decision d = RestartOrder.next(new RestartOrder.Evidence(waiting, inFlight, limit));
    assertEquals(now, d.start(), d.reason());
  }

  /** A start that ended after the round's pool read: that read cannot show where it runs or that it failed. */
  @Test
  void aLaterClassWaitsForAReadThatShowsTheEarlierStartsEnded() {
    // name, waiting, limit, unseen (start ended after the read, with its class), started now; nothing in flight
    record Row(String name, List<Candidate> waiting, int limit, Map<VmId, Integer> unseen, List<Candidate> now) {}
    for (Row r : List.of(
        new Row("class 1 ended unseen: class 2 waits", List.of(WEB), 4, flying(APP1), List.of()),
        new Row("the freed slot goes to the same class at once", List.of(APP3, WEB), 1, flying(APP1), List.of(APP3)),
        new Row("an earlier class unseen holds every later one", List.of(APP2, WEB), 4, flying(DB), List.of()),
        new Row("a later class unseen holds nothing earlier", List.of(DB, APP1), 4, flying(WEB), List.of(DB)),
        new Row("nothing unseen: as before", List.of(WEB), 4, flying(), List.of(WEB)))) {
      RestartOrder.Decision d = RestartOrder.next(new RestartOrder.Evidence(r.waiting(), Map.of(), r.limit(), r.unseen()));
      assertEquals(r.now(), d.start(), r.name() + ": " + d.reason());
    }
  }

  @Test
  void twentyVmsInThreeClassesNeverExceedTheLimitAndKeepClassOrder() {
    List<Candidate> waiting = new ArrayList<>();
    for (int i = 0; i < 20; i++) waiting.add(vm("vm-" + i, i % 3, i));
    Map<VmId, Integer> inFlight = new HashMap<>();
    List<Integer> startedClasses = new ArrayList<>();
    int rounds = 0;
    while (!waiting.isEmpty() || !inFlight.isEmpty()) {
      assertTrue(++rounds < 100, "does not terminate");
      RestartOrder.Decision d = RestartOrder.next(new RestartOrder.Evidence(waiting, inFlight, 4));
      for (Candidate c : d.start()) {
        inFlight.put(c.id(), c.priorityClass());
        startedClasses.add(c.priorityClass());
      }
      waiting.removeAll(d.start());
      assertTrue(inFlight.size() <= 4, "limit exceeded: " + inFlight.size());
      // one start ends per round, the oldest first
      if (!inFlight.isEmpty()) inFlight.remove(inFlight.keySet().iterator().next());
    }
    List<Integer> sorted = new ArrayList<>(startedClasses);
    sorted.sort(Integer::compare);
    assertEquals(sorted, startedClasses, "classes start in order");
    assertEquals(20, startedClasses.size());
  }

  @Test
  void priorityComesFromTheTandemKeyElseFromXapiOrder() {
    assertEquals(3, RestartOrder.priorityClass(Map.of("tandem-priority", "3"), 7));
    assertEquals(7, RestartOrder.priorityClass(Map.of(), 7));
    assertEquals(7, RestartOrder.priorityClass(Map.of("tandem-priority", "high"), 7));
    assertEquals(7, RestartOrder.priorityClass(Map.of("tandem-priority", "-1"), 7));
    assertTrue(RestartOrder.priorityProblem(Map.of("tandem-priority", "high")).contains("not a non-negative integer"));
    assertEquals("", RestartOrder.priorityProblem(Map.of("tandem-priority", "0")));
    assertEquals("", RestartOrder.priorityProblem(Map.of()));
  }
}
