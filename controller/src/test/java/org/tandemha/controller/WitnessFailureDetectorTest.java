package org.tandemha.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The witness's own failure detector: its section over the cluster's, the rest of the cluster's kept. */
class WitnessFailureDetectorTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        // the shipped defaults: the witness heartbeats every 2 s, the hosts' detector settings otherwise
        Arguments.of("", Duration.ofSeconds(2), Duration.ofSeconds(2)),
        // an operator's witness-only values
        Arguments.of("tandem.cluster.witness-failure-detector { heartbeat-interval = 3s, acceptable-heartbeat-pause = 5s }",
            Duration.ofSeconds(3), Duration.ofSeconds(5)),
        // no section (e.g. removed on purpose): the hosts' own settings
        Arguments.of("tandem.cluster.witness-failure-detector = null", Duration.ofMillis(600), Duration.ofMillis(600)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void witnessWatchesAtItsOwnRate(String user, Duration interval, Duration pause) {
    Config all = NodeConfig.loadLocalFrom(ConfigFactory.parseString(user));
    Config fd = TandemNode.witnessFailureDetector(all, all).getConfig("akka.cluster.failure-detector");
    assertEquals(interval, fd.getDuration("heartbeat-interval"));
    assertEquals(pause, fd.getDuration("acceptable-heartbeat-pause"));
    // what the section does not name stays the cluster's
    assertEquals(all.getString("akka.cluster.failure-detector.implementation-class"), fd.getString("implementation-class"));
    assertEquals(64, fd.getInt("monitored-by-nr-of-members"));
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of("tandem.cluster.witness-failure-detector.heartbeat-interval = soon", "heartbeat-interval"),
        Arguments.of("tandem.cluster.witness-failure-detector.acceptable-heartbeat-pause = 0s",
            "acceptable-heartbeat-pause must be longer than zero"),
        Arguments.of("tandem.cluster.witness-failure-detector.heartbeat-interval = -1s",
            "heartbeat-interval must be longer than zero"));
  }

  @ParameterizedTest
  @MethodSource("bad")
  void badValuesAreRefusedByName(String user, String named) {
    Config all = NodeConfig.loadLocalFrom(ConfigFactory.parseString(user));
    NodeConfig.Invalid e = assertThrows(NodeConfig.Invalid.class, () -> TandemNode.witnessFailureDetector(all, all));
    assertTrue(e.getMessage().contains(named), e.getMessage());
  }
}
