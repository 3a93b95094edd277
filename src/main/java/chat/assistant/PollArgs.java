package chat.assistant;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arguments of /poll: a question and its options, each in double quotes (straight, or the curly ones a phone's
 * keyboard types): {@code "Lunch?" "Pizza" "Sushi"}. The server checks the options' number and length again.
 */
final class PollArgs {

  static final String USAGE = "/poll \"question\" \"option\" \"option\" … (2 to 10 options)";
  private static final Pattern QUOTED = Pattern.compile("\\s*[\"“”„]([^\"“”„]*)[\"“”„]\\s*");

  record Poll(String question, List<String> options) {
  }

  private PollArgs() {
  }

  static Poll parse(String args) {
    List<String> parts = new ArrayList<>();
    Matcher quoted = QUOTED.matcher(args == null ? "" : args);
    int end = 0;
    while (quoted.lookingAt()) {
      parts.add(quoted.group(1).strip());
      end = quoted.end();
      quoted.region(end, quoted.regionEnd());
    }
    if (end != (args == null ? 0 : args.length()) || parts.size() < 3 || parts.size() > 11
      || parts.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("Usage: " + USAGE);
    }
    return new Poll(parts.get(0), List.copyOf(parts.subList(1, parts.size())));
  }
}
