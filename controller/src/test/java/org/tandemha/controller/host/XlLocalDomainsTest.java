package org.tandemha.controller.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.actors.port.LocalDomains.Domain;

/** {@code xl list -v} as dom0 prints it, and a stand-in {@code xl} that records what it was asked to do. */
class XlLocalDomainsTest {
  static final String LIST = """
      Name                                        ID   Mem VCPUs	State	Time(s)   UUID                            Reason-Code	Security Label
      Domain-0                                     0  4176    16     r-----  143062.4 00000000-0000-0000-0000-000000000000        -                -
      web 01                                       7  2048     2     -b----     415.2 a0e1c2d3-0001-4000-8000-00000000f001        -                -
      db-01                                       12  8192     4     r-----    9021.0 A0E1C2D3-0003-4000-8000-00000000F003        -                -
      """;

  @Test
  void readsGuestsNotDom0() {
    assertEquals(List.of(new Domain("a0e1c2d3-0001-4000-8000-00000000f001", "web 01"),
        new Domain("a0e1c2d3-0003-4000-8000-00000000f003", "db-01")), XlLocalDomains.parse(LIST));
  }

  @Test
  void anEmptyHostHasOnlyDom0() {
    assertEquals(List.of(), XlLocalDomains.parse(LIST.lines().limit(2).reduce("", (a, b) -> a + b + "\n")));
  }

  @Test
  void unreadableOutputIsAnErrorNotAnEmptyHost() {
    assertThrows(IllegalStateException.class, () -> XlLocalDomains.parse(""));
    assertThrows(IllegalStateException.class, () -> XlLocalDomains.parse("libxl: error: cannot connect\n"));
    assertThrows(IllegalStateException.class, () -> XlLocalDomains.parse(LIST + "garbage line\n"));
  }

  @Test
  void destroysByDomidFromTheUuid(@TempDir Path dir) throws Exception {
    Path list = dir.resolve("list.txt");
    Files.writeString(list, LIST);
    Path calls = dir.resolve("calls.txt");
    Path xl = dir.resolve("xl");
    Files.writeString(xl, "#!/bin/sh\necho \"$@\" >> " + calls + "\n[ \"$1\" = list ] && cat " + list + "\nexit 0\n");
    Files.setPosixFilePermissions(xl, PosixFilePermissions.fromString("rwx------"));
    XlLocalDomains domains = new XlLocalDomains(xl.toString());
    assertEquals(2, domains.running().size());
    domains.destroy(new Domain("a0e1c2d3-0003-4000-8000-00000000f003", "db-01"));
    domains.destroy(new Domain("ffffffff-0000-4000-8000-000000000000", "gone"));
    List<String> made = Files.readAllLines(calls);
    assertEquals(List.of("list -v", "list -v", "destroy 12", "list -v"), made);
  }

  @Test
  void aFailingXlIsAnError(@TempDir Path dir) throws Exception {
    Path xl = dir.resolve("xl");
    Files.writeString(xl, "#!/bin/sh\necho 'libxl: error: libxl.c: cannot init xl context' >&2\nexit 1\n");
    Files.setPosixFilePermissions(xl, PosixFilePermissions.fromString("rwx------"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new XlLocalDomains(xl.toString()).running());
    assertTrue(e.getMessage().contains("exited 1"), e.getMessage());
  }
}
