package ai.ominix.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.kernel.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    private void shard(String file, String... names) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "mlx");
        for (String n : names) w.add(n, DType.F32, new float[] {1, 2}, 2);
        w.write(dir.resolve(file));
    }

    private void index(String weightMapJson) throws IOException {
        Files.writeString(dir.resolve(Checkpoint.INDEX), "{\"metadata\":{\"total_size\":32},\"weight_map\":" + weightMapJson + "}");
    }

    @Test
    void shardedCheckpointFollowsTheIndex() throws IOException {
        shard("model-00001-of-00002.safetensors", "a", "b");
        shard("model-00002-of-00002.safetensors", "c");
        shard("stray.safetensors", "zzz");
        index("{\"a\":\"model-00001-of-00002.safetensors\",\"c\":\"model-00002-of-00002.safetensors\","
                + "\"b\":\"model-00001-of-00002.safetensors\"}");
        Checkpoint c = Checkpoint.discover(dir);
        assertEquals(List.of(dir.resolve("model-00001-of-00002.safetensors").toAbsolutePath().normalize(),
                dir.resolve("model-00002-of-00002.safetensors").toAbsolutePath().normalize()), c.files());
        assertEquals(3, c.weightMap().size());
        assertEquals("model-00002-of-00002.safetensors", c.weightMap().get("c").getFileName().toString());
    }

    @Test
    void singleFileWinsOverOtherSafetensors() throws IOException {
        shard("model.safetensors", "a");
        shard("adapter.safetensors", "b");
        Checkpoint c = Checkpoint.discover(dir);
        assertEquals(List.of(dir.resolve("model.safetensors")), c.files());
        assertEquals(List.of("a"), List.copyOf(c.weightMap().keySet()));
    }

    @Test
    void otherwiseEverySafetensorsFileInNameOrder() throws IOException {
        shard("b.safetensors", "x");
        shard("a.safetensors", "y");
        Files.writeString(dir.resolve("config.json"), "{}");
        Checkpoint c = Checkpoint.discover(dir);
        assertEquals(List.of(dir.resolve("a.safetensors"), dir.resolve("b.safetensors")), c.files());
    }

    @Test
    void rejectsBrokenIndexes() throws IOException {
        shard("s1.safetensors", "a");
        index("{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}");
        assertFails("missing file s2.safetensors");
        index("{\"a\":\"s1.safetensors\",\"b\":\"s1.safetensors\"}");
        assertFails("not in their files: b (in s1.safetensors)");
        index("{\"a\":\"../s1.safetensors\"}");
        assertFails("outside the model directory");
        index("{\"a\":3}");
        assertFails("is not a file name");
        index("{}");
        assertFails("empty weight_map");
        Files.writeString(dir.resolve(Checkpoint.INDEX), "{\"weight_map\":");
        assertFails("malformed JSON in");
    }

    @Test
    void rejectsATensorStoredTwiceAndEmptyDirectories() throws IOException {
        assertFails("no .safetensors files");
        shard("a.safetensors", "x");
        shard("b.safetensors", "x");
        assertFails("stored in both a.safetensors and b.safetensors");
        assertThrows(WeightsFormatException.class, () -> Checkpoint.discover(dir.resolve("nope")));
    }

    @Test
    void aMalformedShardFailsDiscovery() throws IOException {
        Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3});
        assertFails("no header length");
    }

    private void assertFails(String fragment) {
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> Checkpoint.discover(dir));
        assertTrue(e.getMessage().contains(fragment), () -> e.getMessage() + " lacks " + fragment);
    }
}
