import sqlite3, random, sys, datetime, os
n_sends = int(sys.argv[1]); path = sys.argv[2]
if os.path.exists(path): os.remove(path)
random.seed(1)
db = sqlite3.connect(path)
db.executescript("""
PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
CREATE TABLE People (Id INTEGER PRIMARY KEY, Email TEXT, EmailNormalized TEXT, FirstName TEXT, LastName TEXT, IsDeleted INTEGER NOT NULL);
CREATE TABLE Emails (Id INTEGER PRIMARY KEY, ProgramId INTEGER NOT NULL, Name TEXT NOT NULL);
CREATE TABLE Sends (Id INTEGER PRIMARY KEY, EmailId INTEGER NOT NULL, PersonId INTEGER NOT NULL, SentAt TEXT NOT NULL, MessageId TEXT);
CREATE TABLE EmailEvents (Id INTEGER PRIMARY KEY, SendId INTEGER NOT NULL, PersonId INTEGER NOT NULL, EmailId INTEGER NOT NULL, Type INTEGER NOT NULL, OccurredAt TEXT NOT NULL);
CREATE TABLE BounceEvents (Id INTEGER PRIMARY KEY, PersonId INTEGER, SendId INTEGER, EmailId INTEGER, Kind INTEGER NOT NULL, Outcome INTEGER NOT NULL, OccurredAt TEXT NOT NULL);
""")
n_people = max(1000, n_sends // 5)
db.executemany("INSERT INTO People VALUES (?,?,?,?,?,?)", ((i, f"p{i}@x.com", f"p{i}@x.com", "F", f"L{i}", 1 if i % 50 == 0 else 0) for i in range(1, n_people+1)))
db.executemany("INSERT INTO Emails VALUES (?,?,?)", ((i, 1 + i % 40, f"Email {i}") for i in range(1, 2001)))
start = datetime.datetime(2026, 8, 1)
def ts(d): return d.strftime("%Y-%m-%d %H:%M:%S")
sends=[]; evs=[]; bes=[]
eid=0; bid=0
plan = sorted(((start + datetime.timedelta(days=(e * 7) % 92, seconds=random.randint(0, 86399)), e) for e in (random.randint(1, 2000) for _ in range(n_sends))))
for sid, (day, email) in enumerate(plan, 1):
    person = random.randint(1, n_people)
    sends.append((sid, email, person, ts(day), None))
    r = random.random()
    if r < 0.04:
        bid += 1; bes.append((bid, person, sid, email, 2, 0, ts(day)))
    elif r < 0.07:
        bid += 1; bes.append((bid, person, sid, email, 1, 0, ts(day)))
    elif r < 0.99:
        eid += 1; evs.append((eid, sid, person, email, 1, ts(day)))
        if random.random() < 0.2:
            eid += 1; evs.append((eid, sid, person, email, 2, ts(day)))
            if random.random() < 0.15:
                eid += 1; evs.append((eid, sid, person, email, 3, ts(day)))
            if random.random() < 0.01:
                eid += 1; evs.append((eid, sid, person, email, 4, ts(day)))
    if len(sends) >= 200000:
        db.executemany("INSERT INTO Sends VALUES (?,?,?,?,?)", sends); db.executemany("INSERT INTO EmailEvents VALUES (?,?,?,?,?,?)", evs); db.executemany("INSERT INTO BounceEvents VALUES (?,?,?,?,?,?,?)", bes)
        sends=[]; evs=[]; bes=[]
db.executemany("INSERT INTO Sends VALUES (?,?,?,?,?)", sends); db.executemany("INSERT INTO EmailEvents VALUES (?,?,?,?,?,?)", evs); db.executemany("INSERT INTO BounceEvents VALUES (?,?,?,?,?,?,?)", bes)
db.executescript("""
CREATE INDEX IX_Sends_SentAt_EmailId_PersonId ON Sends (SentAt, EmailId, PersonId);
CREATE INDEX IX_Sends_PersonId_SentAt ON Sends (PersonId, SentAt);
CREATE INDEX IX_EmailEvents_SendId_Type ON EmailEvents (SendId, Type);
CREATE INDEX IX_BounceEvents_SendId ON BounceEvents (SendId);
CREATE INDEX IX_BounceEvents_PersonId_OccurredAt ON BounceEvents (PersonId, OccurredAt);
ANALYZE;
""")
db.commit()
print("people", n_people, "sends", n_sends, "events", eid, "bounces", bid)
