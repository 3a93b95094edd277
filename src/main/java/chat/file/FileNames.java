package chat.file;

import java.nio.charset.StandardCharsets;

/**
 * A shared file's name: what the client sent made into a name only (never a path), and written into a
 * {@code Content-Disposition} header as RFC 6266 says (an ASCII fallback and the UTF-8 {@code filename*}).
 */
public final class FileNames {

  public static final int MAX_LENGTH = 200;
  static final String FALLBACK = "file";

  private FileNames() {
  }

  /**
   * The last segment of whatever path was sent, without control, format (bidi overrides) or line-separator
   * characters, at most {@link #MAX_LENGTH} code points; "file" when nothing is left.
   */
  public static String safe(String sent) {
    if (sent == null) {
      return FALLBACK;
    }
    String last = sent.substring(Math.max(sent.lastIndexOf('/'), sent.lastIndexOf('\\')) + 1);
    StringBuilder name = new StringBuilder();
    last.codePoints().filter(FileNames::allowed).limit(MAX_LENGTH).forEach(name::appendCodePoint);
    String trimmed = name.toString().strip();
    return trimmed.isEmpty() || trimmed.equals(".") || trimmed.equals("..") ? FALLBACK : trimmed;
  }

  private static boolean allowed(int codePoint) {
    int type = Character.getType(codePoint);
    return type != Character.CONTROL && type != Character.FORMAT && type != Character.LINE_SEPARATOR
      && type != Character.PARAGRAPH_SEPARATOR && type != Character.UNASSIGNED && type != Character.SURROGATE
      && type != Character.PRIVATE_USE;
  }

  /** {@code inline} or {@code attachment}, with the name in both forms. */
  public static String contentDisposition(boolean inline, String name) {
    StringBuilder ascii = new StringBuilder();
    name.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ';' ? (char) c : '_'));
    return (inline ? "inline" : "attachment") + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + percentEncoded(name);
  }

  /** RFC 5987's attr-char kept, every other byte of the UTF-8 form as %XX. */
  private static String percentEncoded(String name) {
    StringBuilder out = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
          .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
