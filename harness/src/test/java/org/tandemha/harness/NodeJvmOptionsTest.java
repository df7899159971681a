package org.tandemha.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The node JVMs of SimCluster (scenarios, ops/bench's footprint) start with bin/tandem's options: a benchmark of
 * other options would measure something no host runs.
 */
class NodeJvmOptionsTest {
  @Test
  void simulatedNodesRunWithTheOptionsOfBinTandem() throws Exception {
    List<String> script = Files.readAllLines(Path.of("..", "ops", "dist", "tandem"));
    // The node's options: every opts= line before the case that gives sim and harness their own.
    Pattern assignment = Pattern.compile("^opts=\"(?:\\$opts )?([^\"]*)\"$");
    List<String> options = new ArrayList<>();
    for (String line : script) {
      if (line.startsWith("case ")) break;
      Matcher m = assignment.matcher(line.strip());
      if (m.matches()) options.addAll(List.of(m.group(1).trim().split("\\s+")));
    }
    assertFalse(options.isEmpty(), "no opts= line found in ops/dist/tandem");
    assertEquals(options, SimCluster.NODE_JVM_OPTIONS);
  }
}
