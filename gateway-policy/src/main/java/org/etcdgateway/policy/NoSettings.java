package org.etcdgateway.policy;

import org.etcdgateway.api.config.InvalidConfigException;
import org.etcdgateway.api.config.SettingsReader;

/** The settings of a policy that has none: its subtree must be empty. */
enum NoSettings {
    INSTANCE;

    static NoSettings parse(SettingsReader settings) throws InvalidConfigException {
        for (String key : settings.config().root().keySet()) {
            settings.error(key, settings.config().getValue(key).render(), "no settings: this policy takes none");
        }
        settings.throwIfInvalid();
        return INSTANCE;
    }
}
