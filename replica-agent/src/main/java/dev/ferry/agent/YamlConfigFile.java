package dev.ferry.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a YAML configuration file: a flat mapping from option keys (kebab-case, as the flags) to
 * scalar values, and for {@code db} a scalar or a list. Unknown keys are refused so that a misspelt
 * option is not silently ignored; a key with an empty value counts as not set. (The primary has its
 * own copy of this class; agent and primary share no code but the protocol module.)
 */
final class YamlConfigFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private YamlConfigFile() {}

    /** The file's values as text, keyed by option; a {@code db} list is joined with commas. */
    static Map<AgentOption, String> read(Path file) throws InvalidConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException("config file " + file + " is not valid YAML: " + e.getOriginalMessage(), e);
        } catch (NoSuchFileException | FileNotFoundException e) {
            throw new InvalidConfigException("config file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<AgentOption, String> values = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return values;
        }
        if (!root.isObject()) {
            throw new InvalidConfigException("config file " + file + " must be a mapping of option: value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            AgentOption option = optionFor(file, entry.getKey());
            JsonNode value = entry.getValue();
            if (option == AgentOption.DB && value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(v -> items.add(v.asText()));
                values.put(option, String.join(",", items));
            } else if (value.isContainerNode()) {
                throw new InvalidConfigException("config file " + file + ": " + entry.getKey() + " must be a single value");
            } else if (!value.isNull()) {
                values.put(option, value.asText());
            }
        }
        return values;
    }

    private static AgentOption optionFor(Path file, String key) throws InvalidConfigException {
        for (AgentOption option : AgentOption.values()) {
            if (option != AgentOption.CONFIG && option.key().equals(key)) {
                return option;
            }
        }
        throw new InvalidConfigException("config file " + file + ": unknown option '" + key + "'; known options: "
                + Arrays.stream(AgentOption.values())
                        .filter(o -> o != AgentOption.CONFIG)
                        .map(AgentOption::key)
                        .collect(Collectors.joining(", ")));
    }
}
