/**
 * The tables sdstats owns or shares in sessions.db. `session_stats` is the design's DDL verbatim (the Python web
 * UI reads it); `session_metadata` is the web UI's user data, created only when missing and never written by a
 * compute; `sdstats_session_state` is sdstats' own bookkeeping beside each stats row.
 */

export const SESSION_STATS_DDL = `CREATE TABLE IF NOT EXISTS session_stats (
    session_id TEXT PRIMARY KEY,                -- Session folder name (e.g., "20251014_173320-facial_expressions")
    session_path TEXT NOT NULL,                 -- Full absolute path to session folder

    -- Generation metadata (from manifest.json snapshot)
    sd_model TEXT,                              -- Model checkpoint name (e.g., "illustriousXL_v01.safetensors")
    template_version TEXT,                      -- Template system version (e.g., "2.0")
    generation_mode TEXT,                       -- "combinatorial" or "random"
    seed_mode TEXT,                             -- "fixed", "progressive", or "random"
    seed_base INTEGER,                          -- Base seed used

    -- Prompt information
    resolved_prompt TEXT,                       -- Full resolved prompt template (with placeholders)
    negative_prompt TEXT,                       -- Negative prompt used

    -- API parameters
    width INTEGER,
    height INTEGER,
    steps INTEGER,
    cfg_scale REAL,
    sampler_name TEXT,

    -- Image counts
    images_expected INTEGER,                    -- Expected images (from manifest.json max_images or computed)
    images_actual INTEGER,                      -- Actual images found in filesystem
    completion_percentage REAL,                 -- (images_actual / images_expected) * 100

    -- Session type detection
    is_seed_sweep INTEGER DEFAULT 0,            -- 1 if seed_mode = "progressive" + single placeholder variation

    -- Placeholders and variations
    placeholders_json TEXT,                     -- JSON: {"HairStyle": 15, "Expression": 20, ...}
    variations_summary_json TEXT,               -- JSON: {"HairStyle": ["bob", "ponytail", ...], ...} (first 10 per placeholder)

    -- Timestamps
    session_created_at TEXT,                    -- Parsed from folder name (YYYYMMDD_HHMMSS)
    manifest_generated_at TEXT,                 -- From manifest.json timestamp field
    first_image_created_at TEXT,                -- Filesystem mtime of first image
    last_image_created_at TEXT,                 -- Filesystem mtime of last image

    -- Stats cache metadata
    stats_computed_at TEXT NOT NULL,            -- When stats were last computed (ISO 8601)
    stats_version INTEGER DEFAULT 1,            -- Schema version for migrations

    FOREIGN KEY (session_id) REFERENCES session_metadata(session_id) ON DELETE CASCADE
)`;

export const SESSION_STATS_INDEXES = [
	'CREATE INDEX IF NOT EXISTS idx_session_stats_model ON session_stats(sd_model)',
	'CREATE INDEX IF NOT EXISTS idx_session_stats_seed_sweep ON session_stats(is_seed_sweep)',
	'CREATE INDEX IF NOT EXISTS idx_session_stats_completion ON session_stats(completion_percentage)',
	'CREATE INDEX IF NOT EXISTS idx_session_stats_created_at ON session_stats(session_created_at DESC)',
];

export const SESSION_METADATA_DDL = `CREATE TABLE IF NOT EXISTS session_metadata (
    session_id TEXT PRIMARY KEY,
    session_path TEXT NOT NULL,
    is_test INTEGER DEFAULT 0,
    is_complete INTEGER DEFAULT 1,
    is_favorite INTEGER DEFAULT 0,
    user_rating TEXT,
    user_note TEXT,
    tags TEXT,
    auto_metadata TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)`;

/**
 * sdstats_session_state as schema version 1 created it. Kept as it was: later columns are added by their own
 * migrations (SESSION_STATE_V2_COLUMNS), so an old database and a new one end up with the same table.
 */
export const SESSION_STATE_DDL = `CREATE TABLE IF NOT EXISTS sdstats_session_state (
    session_id TEXT PRIMARY KEY,
    manifest_state TEXT NOT NULL,               -- ok | missing | unreadable
    manifest_status TEXT,                       -- manifest's top-level "status" as written
    images_recorded INTEGER,                    -- entries in the manifest's "images" list
    error TEXT,                                 -- why the manifest could not be used
    fingerprint TEXT,                           -- folder + manifest mtimes at compute time; NULL = read again
    last_activity_ms INTEGER                    -- newest manifest/image mtime, epoch ms
)`;

/** Columns schema version 2 adds to sdstats_session_state (ALTER TABLE … ADD COLUMN, one each). */
export const SESSION_STATE_V2_COLUMNS: ReadonlyArray<{name: string; definition: string}> = [
	// Image files of 0 bytes at compute time; NULL on rows computed before version 2 (read as 0).
	{name: 'zero_byte_images', definition: 'zero_byte_images INTEGER'},
];

/** Columns schema version 3 adds to sdstats_session_state: where the values of a row without manifest.json came from. */
export const SESSION_STATE_V3_COLUMNS: ReadonlyArray<{name: string; definition: string}> = [
	// Space-separated sources (v1 phase1 png comfyui header, or files); NULL for manifest.json rows.
	{name: 'origins', definition: 'origins TEXT'},
	// A SourcesRecord (core/sources.ts) as JSON: the source of each field, agreement, and what could not be read.
	{name: 'sources_json', definition: 'sources_json TEXT'},
];

/**
 * Indexes schema version 4 adds, in sdstats' own file: the marks a compute compares with the disk (the ids, stats
 * versions and fingerprints of one root's sessions) come from these two alone, never from the tables' rows (a
 * nothing-changed compute spent a fifth of its time walking both tables). session_stats keeps the design's
 * columns and indexes; this one is extra, named as sdstats', and the web UI never opens this file.
 */
export const MARKS_INDEXES = [
	'CREATE INDEX IF NOT EXISTS sdstats_session_stats_marks ON session_stats(session_path, session_id, stats_version)',
	'CREATE INDEX IF NOT EXISTS sdstats_session_state_fingerprint ON sdstats_session_state(session_id, fingerprint)',
];
