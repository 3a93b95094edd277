package chat.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the build's migrations are, read from their folder, so a test naming "the newest version" outlives the next one. */
public final class Schema {

  private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration/common");
  private static final Pattern VERSIONED = Pattern.compile("V([0-9]+)__.*\\.sql");

  private Schema() {
  }

  /** The newest migration's version: the one a build with these files knows. */
  public static int newestVersion() {
    try (var files = Files.list(MIGRATIONS)) {
      return files.map(file -> VERSIONED.matcher(file.getFileName().toString())).filter(Matcher::matches)
        .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
