namespace BounceAdmin.Data;

/// <summary>
/// A full-text index (SQLite FTS5, trigram tokenizer) over people's first name, last name and company, so the people
/// grid's "word appears anywhere in the name or company" search is an index lookup instead of a LIKE '%word%' scan of
/// every person (seconds at a million people). It is an external-content table over People kept by triggers, so every
/// writer (EF, bulk INSERTs) keeps it current. Created by the ScaleAggregates migration with <see cref="CreateSql"/>;
/// <b>a squashed migration must keep that <c>migrationBuilder.Sql</c> call</b> (EF cannot model virtual tables).
/// </summary>
public static class PeopleSearchIndex
{
    /// <summary>Trigram phrases need at least this many characters; shorter words are matched with LIKE.</summary>
    public const int MinLength = 3;

    /// <summary>The table, its triggers and the initial fill from existing people.</summary>
    public const string CreateSql = """
        CREATE VIRTUAL TABLE PeopleSearch USING fts5(FirstName, LastName, Company, content='People', content_rowid='Id', tokenize='trigram');
        CREATE TRIGGER People_Search_Insert AFTER INSERT ON People BEGIN
            INSERT INTO PeopleSearch (rowid, FirstName, LastName, Company) VALUES (new.Id, new.FirstName, new.LastName, new.Company);
        END;
        CREATE TRIGGER People_Search_Delete AFTER DELETE ON People BEGIN
            INSERT INTO PeopleSearch (PeopleSearch, rowid, FirstName, LastName, Company) VALUES ('delete', old.Id, old.FirstName, old.LastName, old.Company);
        END;
        CREATE TRIGGER People_Search_Update AFTER UPDATE OF FirstName, LastName, Company ON People BEGIN
            INSERT INTO PeopleSearch (PeopleSearch, rowid, FirstName, LastName, Company) VALUES ('delete', old.Id, old.FirstName, old.LastName, old.Company);
            INSERT INTO PeopleSearch (rowid, FirstName, LastName, Company) VALUES (new.Id, new.FirstName, new.LastName, new.Company);
        END;
        INSERT INTO PeopleSearch (PeopleSearch) VALUES ('rebuild');
        """;

    /// <summary>Undoes <see cref="CreateSql"/>.</summary>
    public const string DropSql = """
        DROP TRIGGER IF EXISTS People_Search_Insert;
        DROP TRIGGER IF EXISTS People_Search_Delete;
        DROP TRIGGER IF EXISTS People_Search_Update;
        DROP TABLE IF EXISTS PeopleSearch;
        """;

    /// <summary>An FTS5 phrase matching <paramref name="word"/> as a substring (quotes doubled, nothing else special).</summary>
    public static string Phrase(string word) => "\"" + word.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>A person id found by <see cref="PeopleSearchIndex"/> (keyless, read with FromSql only).</summary>
public sealed class PersonTextMatch
{
    public int PersonId { get; set; }
}
