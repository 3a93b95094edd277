package chat.file;

import org.apache.tika.Tika;

import java.util.Locale;
import java.util.Set;

/**
 * What a shared file is, from its first bytes only (Apache Tika's magic detector: the name and the type the
 * client declared are never asked), and how it may be served: pictures inline, everything else as a download,
 * and anything a browser could run (HTML, SVG, XML, scripts) as plain bytes.
 */
public final class FileTypes {

  /** How much of the start of a file the detector sees. */
  public static final int PREFIX = 64 * 1024;
  public static final Set<String> PICTURES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");
  static final String BYTES = "application/octet-stream";
  private static final Tika TIKA = new Tika();

  private FileTypes() {
  }

  public static String detect(byte[] prefix) {
    return TIKA.detect(prefix).toLowerCase(Locale.ROOT);
  }

  public static boolean inline(String type) {
    return PICTURES.contains(type);
  }

  /** The Content-Type a download is served with. */
  public static String served(String type) {
    return inline(type) || !active(type) ? type : BYTES;
  }

  /** Types a browser would render or run: markup, styles, scripts, and any text but plain text. */
  static boolean active(String type) {
    String t = type.toLowerCase(Locale.ROOT);
    return t.startsWith("text/") && !t.equals("text/plain") || t.contains("html") || t.contains("xml")
      || t.contains("svg") || t.contains("javascript") || t.contains("ecmascript") || t.contains("flash");
  }
}
