package ai.ominix.models.qwen3asr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.ominix.models.qwen3asr.OutputParser.Parsed;
import org.junit.jupiter.api.Test;

class OutputParserTest {

    @Test
    void splitsLanguageAndText() {
        assertEquals(new Parsed("English", "Hello world."), OutputParser.parse("language English<asr_text>Hello world.", null));
        assertEquals(new Parsed("Chinese", "你好"), OutputParser.parse("  language chinese\n<asr_text> 你好 \n", null));
    }

    @Test
    void languageLineMayFollowOtherMetadata() {
        assertEquals(new Parsed("German", "Hallo"), OutputParser.parse("note\nlanguage GERMAN\n<asr_text>Hallo", null));
    }

    @Test
    void silenceAndMissingTag() {
        assertEquals(new Parsed("", ""), OutputParser.parse("language None<asr_text>", null));
        assertEquals(new Parsed("", "stray"), OutputParser.parse("language none<asr_text> stray", null));
        assertEquals(new Parsed("", "just text"), OutputParser.parse(" just text ", null));
        assertEquals(new Parsed("", ""), OutputParser.parse(" \n", null));
    }

    @Test
    void forcedLanguageKeepsWholeOutputAsText() {
        assertEquals(new Parsed("French", "language English<asr_text>x"),
                OutputParser.parse("language English<asr_text>x", "French"));
    }

    @Test
    void onlyFirstTagSplits() {
        assertEquals(new Parsed("English", "a<asr_text>b"), OutputParser.parse("language English<asr_text>a<asr_text>b", null));
    }

    @Test
    void collapsesLongCharacterRuns() {
        assertEquals("ab", OutputParser.collapseRepetitions("a".repeat(21) + "b"));
        // the run rule shortens the c-run first, leaving fewer than 40 characters: no pattern scan
        assertEquals("a".repeat(20) + "bc", OutputParser.collapseRepetitions("a".repeat(20) + "b" + "c".repeat(40)));
    }

    @Test
    void collapsesRepeatedPatterns() {
        String text = "start " + "哈哈 ".repeat(25) + "end of the line, long enough to scan";
        assertEquals("start 哈哈 end of the line, long enough to scan", OutputParser.collapseRepetitions(text));
        assertEquals("ab", OutputParser.collapseRepetitions("ab".repeat(20)));
        assertEquals("qab", OutputParser.collapseRepetitions("q" + "ab".repeat(20)));
        assertEquals("zzabc", OutputParser.collapseRepetitions("zz" + "ab".repeat(20) + "c".repeat(30)));
        // a pattern of 21 characters is longer than the 20 upstream looks for
        String longPattern = "abcdefghijklmnopqrstu".repeat(21);
        assertEquals(longPattern, OutputParser.collapseRepetitions(longPattern));
        // 19 repetitions are kept
        String few = "xy".repeat(19) + " and some more text after it";
        assertEquals(few, OutputParser.collapseRepetitions(few));
    }

    @Test
    void countsSupplementaryCharactersAsOne() {
        String emoji = "\uD83D\uDE00"; // one code point, two chars
        assertEquals(emoji + "!", OutputParser.collapseRepetitions(emoji.repeat(21) + "!"));
        assertEquals(emoji.repeat(20) + "!", OutputParser.collapseRepetitions(emoji.repeat(20) + "!"));
        assertEquals(emoji + "!", OutputParser.collapseRepetitions(emoji.repeat(40) + "!"));
    }
}
