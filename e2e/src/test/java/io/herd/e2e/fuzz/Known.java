package io.herd.e2e.fuzz;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Ids and names of objects that exist now (or did a moment ago), so that hostile requests hit
 * real servers, groups, flavors, hosts and domains as well as random ones. Filled from answers and from
 * the cluster's lists; each kind keeps at most {@link #MAX_PER_KIND}.
 */
final class Known {

    enum Kind { SERVER, GROUP_ID, GROUP_NAME, HOST_ID, HOST_NAME, DOMAIN, REQUEST_ID, FLAVOR_ID, FLAVOR_NAME }

    static final int MAX_PER_KIND = 2000;

    private final Map<Kind, List<String>> values = new EnumMap<>(Kind.class);

    Known() {
        for (Kind kind : Kind.values()) {
            values.put(kind, new ArrayList<>());
        }
    }

    synchronized void add(Kind kind, String value) {
        List<String> list = values.get(kind);
        if (list.size() >= MAX_PER_KIND) {
            list.remove(0);
        }
        list.add(value);
    }

    synchronized void replace(Kind kind, Collection<String> now) {
        List<String> list = values.get(kind);
        list.clear();
        now.stream().limit(MAX_PER_KIND).forEach(list::add);
    }

    synchronized List<String> all(Kind kind) {
        return List.copyOf(values.get(kind));
    }

    synchronized boolean contains(Kind kind, String value) {
        return values.get(kind).contains(value);
    }

    /** One of the kind, or the empty string when none is known. */
    synchronized String pick(Kind kind, Random random) {
        List<String> list = values.get(kind);
        return list.isEmpty() ? "" : list.get(random.nextInt(list.size()));
    }

    /** An existing one, chosen when the value is generated. */
    Arbitrary<String> existing(Kind kind) {
        return Arbitraries.randomValue(r -> pick(kind, r));
    }
}
