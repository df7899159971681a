package org.tandemha.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tandemha.storage.DrbdRole.Role;

/** DRBD 9's {@code drbdadm status} and DRBD 8.4's role/cstate/dstate, one resource each, in the formats drbd-utils prints. */
class DrbdStatusTest {
  static Stream<Arguments> drbd9() {
    return Stream.of(
        Arguments.of("primary, peer connected secondary", """
            iscsi1 role:Primary
              disk:UpToDate
              xs2 role:Secondary
                replication:Established peer-disk:UpToDate
            """, Role.PRIMARY, List.of("UpToDate"), "xs2", "Connected", Role.SECONDARY, List.of("UpToDate")),
        Arguments.of("secondary, peer not connected", """
            iscsi1 role:Secondary
              disk:UpToDate
              xs1 connection:Connecting
            """, Role.SECONDARY, List.of("UpToDate"), "xs1", "Connecting", Role.UNKNOWN, List.of()),
        Arguments.of("split brain: StandAlone", """
            iscsi1 role:Primary
              disk:UpToDate
              xs2 connection:StandAlone
            """, Role.PRIMARY, List.of("UpToDate"), "xs2", "StandAlone", Role.UNKNOWN, List.of()),
        Arguments.of("syncing, node-id and suspended fields", """
            iscsi1 node-id:0 role:Secondary suspended:no
              disk:Inconsistent
              xs1 node-id:1 role:Primary congested:no
                replication:SyncTarget peer-disk:UpToDate done:19.40
            """, Role.SECONDARY, List.of("Inconsistent"), "xs1", "Connected", Role.PRIMARY, List.of("UpToDate")),
        Arguments.of("two volumes", """
            iscsi1 role:Primary
              volume:0 disk:UpToDate
              volume:1 disk:UpToDate
              xs2 role:Secondary
                volume:0 replication:Established peer-disk:UpToDate
                volume:1 replication:Established peer-disk:Outdated
            """, Role.PRIMARY, List.of("UpToDate", "UpToDate"), "xs2", "Connected", Role.SECONDARY,
            List.of("UpToDate", "Outdated")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("drbd9")
  void readsDrbd9Status(String name, String output, Role role, List<String> disks, String peer, String connection,
                        Role peerRole, List<String> peerDisks) {
    DrbdStatus s = DrbdStatus.parse9("iscsi1", output);
    assertEquals(role, s.role());
    assertEquals(disks, s.disks());
    assertEquals(1, s.peers().size());
    DrbdStatus.Peer p = s.peers().get(0);
    assertEquals(List.of(peer, connection, peerRole, peerDisks), List.of(p.name(), p.connection(), p.role(), p.disks()));
    assertEquals(connection.equals("StandAlone"), s.standAlone());
    assertEquals(peerRole == Role.PRIMARY, s.peerPrimary());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "other role:Primary\n  disk:UpToDate\n", "iscsi1 role:Primry\n  disk:UpToDate\n",
      "iscsi1\n  disk:UpToDate\n", "iscsi1 role:Primary\n  xs2 role:Secondary\n",
      "'iscsi1' not defined in your config (for this host).\n"})
  void refusesWhatIsNotAStatusOfThisResource(String output) {
    DrbdRole.Unreadable e = assertThrows(DrbdRole.Unreadable.class, () -> DrbdStatus.parse9("iscsi1", output));
    assertTrue(e.getMessage().contains("iscsi1"), e.getMessage());
  }

  static Stream<Arguments> drbd84() {
    return Stream.of(
        Arguments.of("primary, connected", "Primary/Secondary\n", "Connected\n", "UpToDate/UpToDate\n",
            Role.PRIMARY, "Connected", Role.SECONDARY, true, false),
        Arguments.of("peer gone", "Secondary/Unknown", "WFConnection", "UpToDate/DUnknown",
            Role.SECONDARY, "WFConnection", Role.UNKNOWN, false, false),
        Arguments.of("split brain", "Primary/Unknown", "StandAlone", "UpToDate/DUnknown",
            Role.PRIMARY, "StandAlone", Role.UNKNOWN, false, false),
        Arguments.of("dual primary", "Secondary/Primary", "Connected", "UpToDate/UpToDate",
            Role.SECONDARY, "Connected", Role.PRIMARY, true, true),
        Arguments.of("two volumes, one line each", "Primary/Secondary\nPrimary/Secondary\n", "Connected\nConnected\n",
            "UpToDate/UpToDate\nUpToDate/Outdated\n", Role.PRIMARY, "Connected", Role.SECONDARY, true, false),
        Arguments.of("two volumes, one not connected", "Secondary/Secondary\nSecondary/Unknown", "Connected\nWFConnection",
            "UpToDate/UpToDate\nUpToDate/DUnknown", Role.SECONDARY, "WFConnection", Role.UNKNOWN, false, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("drbd84")
  void readsDrbd84(String name, String role, String cstate, String dstate, Role local, String connection, Role peer,
                   boolean connected, boolean peerPrimary) {
    DrbdStatus s = DrbdStatus.parse84("iscsi1", role, cstate, dstate);
    assertEquals(local, s.role());
    assertEquals(connection, s.peers().get(0).connection());
    assertEquals(peer, s.peers().get(0).role());
    assertEquals(connected, s.connected());
    assertEquals(peerPrimary, s.peerPrimary());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "UpToDate", "UpToDate/", "UpToDate/UpToDate/UpToDate", "Up To/Date"})
  void refusesAnUnreadableDiskState(String dstate) {
    assertThrows(DrbdRole.Unreadable.class, () -> DrbdStatus.parse84("iscsi1", "Primary/Secondary", "Connected", dstate));
  }
}
