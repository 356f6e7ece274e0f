#!/usr/bin/env python3
"""Writes samples/staff-wellbeing.csv: a synthetic Google Forms export of a
primary care staff wellbeing pulse, grouped by Primary Care Network (PCN).

It exists to prove survey-lens is not tied to the SEL survey: it is analysed
with samples/staff-wellbeing.toml. Deterministic (fixed seed):

    python3 samples/make-staff-wellbeing.py > samples/staff-wellbeing.csv

Planted: North Bexley PCN staff feel far less valued and more burnt out.
"""
import csv
import random
import sys

rng = random.Random(20261122)
PCNS = ["Aplos PCN", "Clockhouse PCN", "Frontier PCN", "North Bexley PCN", "Sidcup PCN", "Crayford PCN"]
ROLES = ["GP", "Practice nurse", "Healthcare assistant", "Receptionist or admin", "Pharmacist",
         "Care coordinator", "Social prescribing link worker", "Manager"]
AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
SUPPORTS = ["Employee assistance programme", "Peer support group", "Coaching or mentoring",
            "Occupational health", "Flexible working, including compressed hours", "None of these"]
COMMENTS = ["More admin support would free up time.", "Team huddles help a lot.",
            "I'd like protected time for learning.", "Phones are relentless on Monday mornings.",
            "Thanks for asking, it feels like someone is listening."]

w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["Timestamp", "Email Address", "Which Primary Care Network (PCN) do you work in?",
            "What is your role?", "I feel valued at work", "I often feel burnt out",
            "I would recommend my practice as a place to work",
            "Which wellbeing supports have you used in the last 6 months?", "Anything else you want to tell us?"])
for n in range(180):
    pcn = rng.choices(PCNS + [""], weights=[30, 32, 28, 38, 31, 27, 2])[0]
    low = pcn == "North Bexley PCN"
    valued = rng.choices(AGREE, weights=[25, 35, 20, 15, 5] if low else [5, 12, 23, 40, 20])[0]
    burnt = rng.choices(AGREE, weights=[3, 8, 14, 40, 35] if low else [12, 30, 25, 23, 10])[0]
    recommend = rng.choices(["Yes", "No", "Not sure"], weights=[30, 45, 25] if low else [65, 15, 20])[0]
    used = [s for s, p in zip(SUPPORTS[:-1], [0.2, 0.3, 0.15, 0.1, 0.35]) if rng.random() < p]
    supports = ", ".join(used) if used else "None of these"
    day = 1 + n % 28
    w.writerow([f"2026/10/{day:02d} {9 + n % 8}:{n % 60:02d}:00 am GMT+1", f"staff{n}@example.nhs.uk", pcn,
                rng.choice(ROLES), valued, burnt, recommend, supports,
                rng.choice(COMMENTS) if rng.random() < 0.25 else ""])
