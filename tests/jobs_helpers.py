"""Following a background job (issue 16 §1) the way a browser would: the redirect to the job's page,
the page, and where it leads (in eager mode the job has finished by the time the redirect comes)."""

from django.urls import resolve

from portal.models import Job


def job_from(response):
    """The job a response redirected to, or None when it did not."""
    if response.status_code != 302 or not response["Location"].startswith("/jobs/"):
        return None
    return Job.objects.get(pk=resolve(response["Location"]).kwargs["job_id"])


def through_job(client, url):
    """`url` itself, or, when it is a job's page, the page the finished job leads to."""
    if not url.startswith("/jobs/"):
        return url
    page = client.get(url)
    assert page.status_code == 200
    job = page.context["job"]
    assert job.status == Job.Status.DONE, (job.status, job.message)
    return job.result_url


def confirm_through_job(client, url):
    """POST the preview's confirm; above JOB_IMPORT_ROWS it is a job: return it, finished."""
    response = client.post(url)
    job = job_from(response)
    assert job is not None, response.status_code
    assert client.get(response["Location"]).status_code == 200
    return job
