"""Retention: after the event's date the job erases what it names; counts recorded, mail a week ahead."""

from datetime import date, timedelta

from congress.models import ChatMessage, Question, Registration
from conversations.models import Conversation
from expo.models import BoothVisit, Lead
from matchmaking.models import Profile
from privacy.models import RetentionPolicy, RetentionRun
from privacy.services import run_retention, warn_retention
from privacy.tasks import retention_task

TODAY = date(2027, 1, 10)


def test_nothing_happens_before_the_date(world):
    RetentionPolicy.objects.create(event=world.event, erase_after=TODAY, kinds=["leads"])
    assert run_retention(today=TODAY) == []
    assert Lead.objects.count() == 2


def test_after_the_date_the_configured_kinds_are_erased_and_counted(world):
    RetentionPolicy.objects.create(
        event=world.event,
        erase_after=TODAY - timedelta(days=1),
        kinds=["leads", "visits", "chats", "profiles", "registrations"],
    )
    [run] = run_retention(today=TODAY)
    assert run.counts == {
        "leads": 2,
        "visits": 2,
        "chats": 3 + 2 + 3,  # chat messages, questions, conversation messages
        "profiles": 2,
        "registrations": 3,
    }
    assert Lead.objects.count() == BoothVisit.objects.count() == 0
    assert ChatMessage.objects.count() == Question.objects.count() == 0
    assert Conversation.objects.count() == Profile.objects.count() == 0
    assert list(Registration.objects.values_list("role", flat=True)) == ["organizer"]
    assert RetentionRun.objects.get().counts == run.counts
    assert run_retention(today=TODAY + timedelta(days=1)) == []


def test_only_the_chosen_kinds_are_erased(world):
    RetentionPolicy.objects.create(
        event=world.event, erase_after=TODAY - timedelta(days=1), kinds=["leads"]
    )
    [run] = run_retention(today=TODAY)
    assert run.counts == {"leads": 2}
    assert ChatMessage.objects.count() == 3


def test_organizers_are_warned_a_week_before_once(world, mailoutbox):
    world.organizer.email = "olga@example.org"
    world.organizer.save()
    RetentionPolicy.objects.create(
        event=world.event, erase_after=TODAY + timedelta(days=7), kinds=["leads"]
    )
    assert warn_retention(today=TODAY - timedelta(days=1)) == 0
    assert warn_retention(today=TODAY) == 1
    assert warn_retention(today=TODAY) == 0
    assert [mail.to for mail in mailoutbox] == [["olga@example.org"]]
    assert world.event.name in mailoutbox[0].subject


def test_the_daily_job_runs_both(world):
    RetentionPolicy.objects.create(event=world.event, erase_after=date(2000, 1, 1), kinds=["leads"])
    result = retention_task.call()
    assert result["events_erased"] == 1


def test_the_command_runs_the_job_or_queues_it(db, capsys):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    call_command("privacy_retention")
    assert "'events_erased': 0" in capsys.readouterr().out
    call_command("privacy_retention", "--enqueue")
    assert DBTaskResult.objects.filter(task_path__endswith="retention_task").count() == 1
