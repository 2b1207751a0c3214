package ai.ominix.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AddedTokenMatcherTest {

    private static List<String> split(String text, AddedToken... tokens) {
        List<AddedToken> list = List.of(tokens);
        AddedTokenMatcher m = new AddedTokenMatcher(list, list.stream().map(AddedToken::content).toList());
        List<String> out = new ArrayList<>();
        m.split(text, new AddedTokenMatcher.Sink() {
            @Override
            public void text(String t, int start) {
                assertEquals(t, text.substring(start, start + t.length()));
                out.add(t);
            }

            @Override
            public void token(int id) {
                out.add("#" + id);
            }
        });
        return out;
    }

    @Test
    void leftmostThenLongest() {
        AddedToken a = AddedToken.of(1, "<a>", true), ab = AddedToken.of(2, "<a><b>", true), b = AddedToken.of(3, "<b>", true);
        assertEquals(List.of("x", "#2", "y"), split("x<a><b>y", a, ab, b));
        assertEquals(List.of("#1", "#1", "<b"), split("<a><a><b", a, ab, b));
        assertEquals(List.of("#1"), split("<a>", a));
        assertEquals(List.of("plain"), split("plain", a));
        assertEquals(List.of(), split("", a));
    }

    @Test
    void stripAndSingleWord() {
        AddedToken l = new AddedToken(1, "<m>", true, true, false, false, false);
        AddedToken r = new AddedToken(2, "<n>", true, false, true, false, false);
        AddedToken w = new AddedToken(3, "hi", false, false, false, true, false);
        assertEquals(List.of("a", "#1", " b"), split("a  <m> b", l));
        assertEquals(List.of("a ", "#2", "b"), split("a <n> \n b", r));
        assertEquals(List.of("#3", " this ", "#3"), split("hi this hi", w));
        assertEquals(List.of("high hi-fi"), split("high hi-fi", w));
    }
}
