package org.tandemha.harness.cluster;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tandemha.controller.admin.NodeCommands;
import org.tandemha.controller.config.ConfigCommand;

/** The {@code tandem} CLI as an operator runs it against one node's admin socket, in the test's JVM. */
final class Cli {
  private Cli() {}

  record Run(int rc, String out, String err) {
    String all() { return out + err; }
  }

  static Run tandem(Path socket, String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.add("--socket");
    a.add(socket.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    int rc = a.get(0).equals("config") ? ConfigCommand.run(a.subList(1, a.size()), o, e)
        : NodeCommands.run(a.get(0), a.subList(1, a.size()), o, e);
    return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
